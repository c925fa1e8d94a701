import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { badUserInput } from '../errors';

/** One address a host name resolved to, as `dns.lookup(…, { all: true })` gives them. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has; injected so that tests (and rebinding tests) decide. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`getaddrinfo`, as `net.connect` itself would use), every address in its order. */
export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Options of {@link WebhookUrlPolicy}. */
export interface WebhookUrlPolicyOptions {
  /**
   * Hosts (names or IP literals, matched exactly, case-insensitive, trailing dot ignored) the
   * gateway may reach whatever they resolve to: internal receivers an operator vouches for.
   */
  readonly allowedHosts?: readonly string[];
  /** Ports accepted besides 443, for any host. */
  readonly allowedPorts?: readonly number[];
  /** Demo mode: loopback (127.0.0.0/8, ::1, localhost) is allowed, on any port and over http too. */
  readonly allowLoopback?: boolean;
  readonly resolve?: HostResolver;
  /** Longest wait for the resolver when a URL is accepted, ms. Default 3 s. */
  readonly resolveTimeoutMs?: number;
}

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2_048;

// Not globally reachable (IANA special-purpose registries). An IPv4 rule also matches the
// address's IPv4-mapped IPv6 form (::ffff:a.b.c.d): BlockList compares those as IPv4.
const IPV4_NOT_PUBLIC: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT shared space
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata endpoints)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

// Inside global unicast 2000::/3, the parts that are not globally reachable or tunnel to an
// embedded IPv4 address the gateway cannot check.
const IPV6_NOT_PUBLIC: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments, Teredo included
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation
];

const NAT64_PREFIX = '64:ff9b::';

function blockList(build: (list: BlockList) => void): BlockList {
  const list = new BlockList();
  build(list);
  return list;
}

const NOT_PUBLIC = blockList((list) => {
  for (const [network, prefix] of IPV4_NOT_PUBLIC) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of IPV6_NOT_PUBLIC) list.addSubnet(network, prefix, 'ipv6');
});
const GLOBAL_UNICAST_V6 = blockList((list) => list.addSubnet('2000::', 3, 'ipv6'));
const IPV4_MAPPED = blockList((list) => list.addSubnet('::ffff:0.0.0.0', 96, 'ipv6'));
// The well-known NAT64 prefix (RFC 6052) reaches the IPv4 address in its last 32 bits: public
// exactly when that address is.
const NAT64 = blockList((list) => list.addSubnet(NAT64_PREFIX, 96, 'ipv6'));
const NAT64_NOT_PUBLIC = blockList((list) => {
  for (const [network, prefix] of IPV4_NOT_PUBLIC) list.addSubnet(`${NAT64_PREFIX}${network}`, 96 + prefix, 'ipv6');
});
const LOOPBACK = blockList((list) => {
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
});

/** `[::1]` → `::1`; other hosts unchanged. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Lower case, brackets and one trailing dot removed: the form hosts are compared in. */
function hostKey(host: string): string {
  return unbracket(host.toLowerCase()).replace(/\.$/, '');
}

/**
 * Whether an address (canonical text, as a resolver or `URL` gives it) is a public unicast one:
 * not loopback, private, link-local, unique-local, CGNAT, multicast, broadcast, documentation or
 * otherwise reserved, in IPv4, IPv4-mapped IPv6 or NAT64 form. Anything that is not an IP
 * address, and any address with a zone id, is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (address.includes('%')) return false;
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  if (IPV4_MAPPED.check(address, 'ipv6')) return !NOT_PUBLIC.check(address, 'ipv6');
  if (NAT64.check(address, 'ipv6')) return !NAT64_NOT_PUBLIC.check(address, 'ipv6');
  return GLOBAL_UNICAST_V6.check(address, 'ipv6') && !NOT_PUBLIC.check(address, 'ipv6');
}

/** Whether an address is loopback (127.0.0.0/8, ::1, or ::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** The resolver took longer than the policy waits. */
class ResolveTimeout extends Error {}

/**
 * Which client-supplied webhook URLs the gateway accepts and which addresses it may then connect
 * to. A URL must be https on port 443 (or a port in `allowedPorts`), without credentials, and its
 * host must be an allowed host or resolve to public addresses only ({@link isPublicAddress}).
 * {@link accept} checks a URL when a client hands it over; {@link allowsConnection} is asked
 * again at connect time, after DNS, so that a name re-pointed meanwhile (DNS rebinding) is
 * refused too.
 */
export class WebhookUrlPolicy {
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly allowedPorts: ReadonlySet<number>;
  private readonly allowLoopback: boolean;
  private readonly resolveTimeoutMs: number;
  /** The resolver names are checked with, at acceptance and at connect time. */
  readonly resolve: HostResolver;

  constructor(options: WebhookUrlPolicyOptions = {}) {
    this.allowedHosts = new Set((options.allowedHosts ?? []).map(hostKey));
    this.allowedPorts = new Set([443, ...(options.allowedPorts ?? [])]);
    this.allowLoopback = options.allowLoopback ?? false;
    this.resolve = options.resolve ?? systemResolver;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 3_000;
  }

  /** Whether `host` (a URL's hostname) was allow-listed by the operator. */
  isAllowedHost(host: string): boolean {
    return this.allowedHosts.has(hostKey(host));
  }

  /** Whether the gateway may connect to `address` when it was asked for `host`. */
  allowsConnection(host: string, address: string): boolean {
    if (this.isAllowedHost(host)) return true;
    return isPublicAddress(address) || (this.allowLoopback && isLoopbackAddress(address));
  }

  private rule(): string {
    const ports = [...this.allowedPorts].sort((a, b) => a - b);
    const port = ports.length === 1 ? 'on port 443' : `on port ${ports.slice(0, -1).join(', ')} or ${ports.at(-1)}`;
    return `an https URL ${port}${this.allowLoopback ? ' (or http on loopback, in demo mode)' : ''}`;
  }

  /**
   * Checks a client-supplied URL and returns it normalised; otherwise throws `BAD_USER_INPUT`
   * naming `field`. Resolves the host (no connection is made) unless it is an IP literal.
   */
  async accept(value: string, field = 'webhookUrl'): Promise<string> {
    const rule = this.rule();
    if (value.length > MAX_WEBHOOK_URL_LENGTH)
      throw badUserInput(`\`${field}\` must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`, field);
    let url: URL;
    try {
      // WHATWG parsing turns every IPv4 spelling (2130706433, 0177.0.0.1, 0x7f.1, 127.1, a
      // trailing dot) into dotted decimal and refuses IPv6 zone ids, so only canonical forms remain.
      url = new URL(value);
    } catch {
      throw badUserInput(`\`${field}\` must be ${rule}.`, field);
    }
    if (url.username !== '' || url.password !== '')
      throw badUserInput(`\`${field}\` must not contain credentials (user:password@).`, field);
    const host = hostKey(url.hostname);
    const literal = isIP(host) !== 0;
    const loopbackOk = this.allowLoopback && (literal ? isLoopbackAddress(host) : isLoopbackName(host));
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackOk)) throw badUserInput(`\`${field}\` must be ${rule}.`, field);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    if (!loopbackOk && !this.allowedPorts.has(port)) throw badUserInput(`\`${field}\` must be ${rule}.`, field);
    if (this.isAllowedHost(host) || loopbackOk) return url.toString();
    const notPublic = badUserInput(
      `\`${field}\` must point to a public internet host: loopback, private, link-local and other reserved addresses are refused, and so are names that resolve to one.`,
      field,
    );
    if (literal) {
      if (!this.allowsConnection(host, host)) throw notPublic;
      return url.toString();
    }
    if (isLoopbackName(host)) throw notPublic;
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.resolveBounded(host);
    } catch {
      // An unknown name gets the same answer as an internal one: no oracle for internal DNS.
      throw notPublic;
    }
    if (addresses.length === 0 || !addresses.every((a) => this.allowsConnection(host, a.address))) throw notPublic;
    return url.toString();
  }

  private async resolveBounded(host: string): Promise<readonly ResolvedAddress[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ResolveTimeout()), this.resolveTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.resolve(host), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { WebhookUrlPolicy } from './webhook-url-policy';

/** What a forward fails with instead of connecting to an address the policy refuses. */
export class WebhookAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';

  constructor(host: string) {
    super(`refused to connect to ${host}: it is not a public address`);
    this.name = 'WebhookAddressRefused';
  }
}

function familyOf(value: unknown): 4 | 6 | 0 {
  if (value === 4 || value === 'IPv4') return 4;
  if (value === 6 || value === 'IPv6') return 6;
  return 0;
}

/**
 * A `net.connect` lookup that resolves with the policy's resolver and fails unless every address
 * the name has is one the policy allows: the check runs on the very answer the socket connects
 * to, so a name re-pointed after it was accepted (DNS rebinding) is refused.
 */
export function guardedLookup(policy: WebhookUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (addresses) => {
        if (!addresses.every((a) => policy.allowsConnection(hostname, a.address))) {
          callback(new WebhookAddressRefused(hostname), '', 0);
          return;
        }
        const family = familyOf(options.family);
        const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
        if (usable.length === 0) {
          callback(Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        if (options.all)
          callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), '', 0),
    );
  };
}

/**
 * An undici connector that never opens a socket to an address the policy refuses: IP literals
 * are checked before connecting (`net.connect` skips the lookup for them), names through
 * {@link guardedLookup}.
 */
export function guardedConnector(policy: WebhookUrlPolicy, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy) });
  return (target, callback) => {
    const host = target.hostname;
    if (isIP(host) !== 0 && !policy.allowsConnection(host, host)) {
      callback(new WebhookAddressRefused(host), null);
      return;
    }
    connect(target, callback);
  };
}

/** An undici Agent for requests to client webhooks, connecting only where the policy allows. */
export function createGuardedAgent(policy: WebhookUrlPolicy, options: { readonly connectTimeoutMs?: number } = {}): Agent {
  return new Agent({ connect: guardedConnector(policy, { timeout: options.connectTimeoutMs ?? 5_000 }) });
}

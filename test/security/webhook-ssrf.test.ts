/**
 * Issue 15, highlights and webhooks: each finding replayed over HTTP against the LogRocket
 * simulator and a real gateway. Every test here failed on the gateway before the fix.
 */
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/load-config';
import { createGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logging/logger';
import type { HostResolver } from '../../src/services/webhook-url-policy';
import { startLogRocketSimulator, type LogRocketSimulator } from '../../src/simulators/logrocket.simulator';
import { CURSOR_SECRET } from '../support/gateway-harness';
import { eventually, restRequests } from '../support/logrocket-rest-harness';

const KEY = 'security-key-0123456789';
const ASK = `query H($input: HighlightsInput!) { highlights(input: $input) { requestId status summary } }`;
const REQUEST = `mutation R($input: HighlightsInput!) { requestHighlights(input: $input) { requestId status } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback TCP port that counts (and hangs up on) every connection made to it: an internal service. */
async function startTrap(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: NetServer = createNetServer((socket: Socket) => {
    count += 1;
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Setup {
  readonly gateway: Gateway;
  readonly logs: Record<string, any>[];
  gql(query: string, variables: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }>;
}

/** A gateway with `server.publicUrl` (so it forwards to client webhooks) over the simulator, parsed from a config file. */
async function startGateway(
  sim: LogRocketSimulator,
  options: { webhooks?: unknown; resolver: HostResolver; now?: () => number },
): Promise<Setup> {
  const port = await freePort();
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
      cursorSecret: CURSOR_SECRET,
      tenants: [{ id: 'acme', apiKeys: [KEY], sources: ['lr-web'] }],
      sources: [
        { id: 'lr-web', provider: 'logrocket', baseUrl: sim.baseUrl, orgId: sim.orgId, appId: sim.appId, apiKey: sim.apiKey, retries: 0 },
      ],
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    }),
    { format: 'json', env: {} },
  );
  const logs: Record<string, any>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const gateway = await createGateway(config, {
    logger: createLogger({ level: 'info', destination }),
    webhookResolver: options.resolver,
    highlights: { pollIntervalMs: 60_000 },
    ...(options.now ? { now: options.now } : {}),
  });
  const url = await gateway.listen();
  return {
    gateway,
    logs,
    async gql(query, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: any[] };
    },
  };
}

function webhookUrlsPosted(sim: LogRocketSimulator): string[] {
  return restRequests(sim, '/highlights/', 'POST').map((r) => JSON.parse(r.body!).webhookURL as string);
}

function push(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('security: highlights webhooks (issue 15)', () => {
  let sim: LogRocketSimulator;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  /** Default configuration. */
  let plain: Setup;
  /** The trap's port allowed, and one internal host: only the address rule stands between the trap and the gateway. */
  let allowing: Setup;
  let skewMs = 0;
  let rebound = false;
  // DNS of these tests: public names, names that point inward, one that turns inward once
  // `rebound` is set, and nothing else (no network).
  const resolver: HostResolver = async (host) => {
    if (host === 'rebind.example.com') return [{ address: rebound ? '127.0.0.1' : '93.184.215.14', family: 4 }];
    if (host.endsWith('.example.com')) return [{ address: '93.184.215.14', family: 4 }];
    if (host.endsWith('.corp.test')) return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };

  beforeAll(async () => {
    sim = await startLogRocketSimulator({ appId: 'web', count: 5, highlightDelayMs: 100 });
    trap = await startTrap();
    plain = await startGateway(sim, { resolver, now: () => Date.now() + skewMs });
    allowing = await startGateway(sim, { resolver, webhooks: { allowedPorts: [trap.port], allowedHosts: ['hooks.corp.test'] } });
  });
  afterAll(async () => {
    await plain?.gateway.close();
    await allowing?.gateway.close();
    await trap?.close();
    await sim?.close();
  });
  beforeEach(() => {
    sim.resetRequests();
    sim.setHighlightDelayMs(100);
  });

  describe('server-side request forgery through webhookUrl', () => {
    it.each([
      ['loopback by name', () => `https://localhost:${trap.port}/hook`],
      ['loopback by address', () => `https://127.0.0.1:${trap.port}/hook`],
      ['loopback in decimal', () => `https://2130706433:${trap.port}/hook`],
      ['loopback in hex and short form', () => `https://0x7f.1:${trap.port}/hook`],
      ['loopback as IPv4-mapped IPv6', () => `https://[::ffff:127.0.0.1]:${trap.port}/hook`],
      ['credentials on loopback', () => `https://user:pass@localhost:${trap.port}/x`],
      ['credentials on loopback, port 443', () => 'https://user:pass@localhost/x'],
      ['cloud metadata', () => 'https://169.254.169.254/latest/meta-data/iam/security-credentials/'],
      ['a name that resolves to loopback', () => `https://internal.corp.test:${trap.port}/hook`],
    ])('refuses %s with BAD_USER_INPUT, posts nothing, and never connects there', async (_name, url) => {
      for (const setup of [plain, allowing]) {
        for (const query of [ASK, REQUEST]) {
          const response = await setup.gql(query, { input: { userId: 'ssrf', webhookUrl: url() } });
          expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'webhookUrl' });
          expect(response.errors![0].message).toContain('webhookUrl');
        }
      }
      expect(restRequests(sim, '/highlights/', 'POST')).toHaveLength(0);
      // Time for a (simulated) result to arrive and be forwarded, had the URL been taken.
      await sleep(300);
      expect(trap.connections()).toBe(0);
    });

    it('checks again at connect time: a name that turns inward after it was accepted (DNS rebinding) is not connected to', async () => {
      const before = trap.connections();
      const asked = await allowing.gql(ASK, { input: { userId: 'rebind', webhookUrl: `https://rebind.example.com:${trap.port}/hook` } });
      expect(asked.errors).toBeUndefined();
      rebound = true;
      try {
        await eventually(() => allowing.logs.some((l) => l.msg === 'client webhook refused: not a public address'));
      } finally {
        rebound = false;
      }
      expect(trap.connections()).toBe(before);

      // Control: a host the operator allowed is forwarded to, so the trap does see connections.
      const allowed = await allowing.gql(ASK, { input: { userId: 'allowed', webhookUrl: `https://hooks.corp.test:${trap.port}/hook` } });
      expect(allowed.errors).toBeUndefined();
      await eventually(() => trap.connections() > before);
    });
  });

  describe('webhook tokens', () => {
    it("one request's webhook URL cannot settle another request", async () => {
      await plain.gql(ASK, { input: { userId: 'leaked' } });
      const [leakedUrl] = webhookUrlsPosted(sim);
      sim.setHighlightDelayMs(60_000);
      const victim = await plain.gql(ASK, { input: { userId: 'victim' } });
      const { requestId } = victim.data!.highlights;
      const injected = { requestID: requestId, status: 'READY', result: { highlights: 'injected', sessions: [] } };
      expect((await push(leakedUrl!, injected)).status).toBe(401);
      expect((await plain.gql(ASK, { input: { userId: 'victim' } })).data!.highlights).toMatchObject({
        requestId,
        status: 'PENDING',
        summary: null,
      });
    });

    it('a webhook URL stops working once the gateway stops waiting for its request', async () => {
      sim.setHighlightDelayMs(60_000);
      const asked = await plain.gql(ASK, { input: { userId: 'expiring' } });
      const [url] = webhookUrlsPosted(sim);
      const result = { requestID: asked.data!.highlights.requestId, status: 'READY', result: { highlights: 'late', sessions: [] } };
      skewMs += 16 * 60_000;
      try {
        expect((await push(url!, result)).status).toBe(401);
      } finally {
        skewMs -= 16 * 60_000;
      }
      expect((await push(url!, result)).status).toBe(204);
    });
  });

  describe('log volume', () => {
    const refusals = () => plain.logs.filter((l) => l.level >= 40 && l.webhook === 'logrocket-highlights');

    it('2,004 wrong-token calls write one warning line a minute, with a count', async () => {
      // A minute of its own: earlier tests' refusals are in the previous one.
      skewMs += 61_000;
      await plain.gql(ASK, { input: { userId: 'flood' } });
      const [url] = webhookUrlsPosted(sim);
      const forged = url!.replace(/[^/]+$/, 'forged-token');
      const before = refusals().length;
      const statuses: number[] = [];
      const queue = Array.from({ length: 2_004 }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (queue.pop() !== undefined) statuses.push((await push(forged, { requestID: 'x' })).status);
        }),
      );
      expect(statuses.every((s) => s === 401)).toBe(true);
      expect(refusals().length - before).toBe(1);
      skewMs += 61_000;
      expect((await push(forged, { requestID: 'x' })).status).toBe(401);
      const lines = refusals().slice(before);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ reason: 'wrong-token' });
      expect(lines[1]).toMatchObject({ reason: 'wrong-token', unloggedSincePrevious: 2_003 });
      expect(JSON.stringify(lines)).not.toContain('forged-token');

      // Unknown request ids under a valid token are sampled the same way.
      for (let i = 0; i < 50; i += 1) expect((await push(url!, { requestID: `unknown-${i}`, status: 'READY' })).status).toBe(404);
      expect(refusals().filter((l) => l.reason === 'unknown-request')).toHaveLength(1);
    });
  });

  describe('configuration', () => {
    it.each([
      [{ allowedPorts: [0] }, 'webhooks.allowedPorts[0]: must be an integer from 1 to 65535'],
      [{ allowedHosts: ['https://hooks.example.com'] }, 'webhooks.allowedHosts[0]: must be a host name or IP address'],
      [{ allowedHosts: ['hooks.example.com:8443'] }, 'webhooks.allowedHosts[0]: must be a host name or IP address'],
      [{ allowedHost: ['x'] }, 'webhooks.allowedHost: unknown key — allowed: allowedHosts, allowedPorts'],
    ])('names the path of a bad webhooks setting: %j', (webhooks, message) => {
      const text = JSON.stringify({
        cursorSecret: CURSOR_SECRET,
        tenants: [{ id: 'acme', apiKeys: [KEY], sources: ['*'] }],
        sources: [{ id: 'lr-web', provider: 'logrocket', orgId: 'o', appId: 'a', apiKey: 'k' }],
        webhooks,
      });
      expect(() => parseConfig(text, { format: 'json', env: {} })).toThrow(message);
    });
  });
});

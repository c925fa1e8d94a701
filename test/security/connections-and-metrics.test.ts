/**
 * Issue 15, connection hygiene and metrics exposure: each finding replayed over real sockets
 * against a real gateway. Slow sockets (an early 401 or 413 whose body keeps dripping, a body
 * or headers dripped slower than the timeouts, a webhook body at a byte every few seconds, one
 * client holding connection after connection) are cut in about a second instead of minutes, and
 * `/metrics` (every source name, per-source traffic and errors, breaker states, the Node version)
 * is not on the public port.
 */
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Agent, fetch as undiciFetch } from 'undici';
import { parseConfig } from '../../src/config/load-config';
import { createGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logging/logger';
import { clientKeyOf } from '../../src/server/http-server';
import { startLogRocketSimulator, type LogRocketSimulator } from '../../src/simulators/logrocket.simulator';
import { CURSOR_SECRET, KEYS, startHarness, type Harness, type HarnessOptions } from '../support/gateway-harness';
import { eventually, restRequests } from '../support/logrocket-rest-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client socket: what it received, and when the server closed it (ms after it connected). */
interface RawClient {
  readonly socket: Socket;
  received(): string;
  closedAfterMs(): number | undefined;
  /** Resolves with the ms the socket stayed open, or undefined if still open after `withinMs`. */
  closed(withinMs: number): Promise<number | undefined>;
  /** Writes one byte every `everyMs` while the socket is writable. */
  drip(everyMs: number, byte?: string): void;
  destroy(): void;
}

const clients: RawClient[] = [];

async function rawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const opened = Date.now();
  let text = '';
  let closedAt: number | undefined;
  let dripper: NodeJS.Timeout | undefined;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  // A reset is how a refused or cut socket may end; it is what is measured, not a failure.
  socket.on('error', () => undefined);
  const whenClosed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAt = Date.now();
      clearInterval(dripper);
      resolve();
    }),
  );
  const client: RawClient = {
    socket,
    received: () => text,
    closedAfterMs: () => (closedAt === undefined ? undefined : closedAt - opened),
    async closed(withinMs) {
      await Promise.race([whenClosed, sleep(withinMs)]);
      return client.closedAfterMs();
    },
    drip(everyMs, byte = 'x') {
      dripper = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(byte);
      }, everyMs);
    },
    destroy() {
      clearInterval(dripper);
      socket.destroy();
    },
  };
  clients.push(client);
  return client;
}

afterEach(() => {
  // Open raw sockets would hold each gateway's shutdown for its grace period.
  for (const client of clients.splice(0)) client.destroy();
});

function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : undefined;
}

function capture(): { lines: Record<string, any>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, any>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

async function withHarness(options: HarnessOptions, run: (harness: Harness) => Promise<void>): Promise<void> {
  const harness = await startHarness({ seed: 15, count: 20, ...options });
  try {
    await run(harness);
  } finally {
    for (const client of clients.splice(0)) client.destroy();
    await harness.close();
  }
}

describe('security: slow sockets (issue 15)', () => {
  let harness: Harness;
  let path: string;
  beforeAll(async () => {
    // The default timeouts (10 s headers, 30 s request): only closing after the answer can
    // disconnect these clients within the two seconds measured.
    harness = await startHarness({ seed: 15, count: 20 });
    path = new URL(harness.url).pathname;
  });
  afterAll(() => harness.close());

  it('disconnects an unauthenticated client that keeps dripping its body, right after the 401', async () => {
    const client = await rawClient(harness.url);
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":`,
    );
    client.drip(100);
    const openMs = await client.closed(2_000);
    expect(statusOf(client.received())).toBe(401);
    expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(openMs).toBeDefined();
    expect(openMs!).toBeLessThan(2_000);
  });

  it('disconnects an unauthenticated client whose body is complete too: a 401 never keeps the connection', async () => {
    const client = await rawClient(harness.url);
    const body = '{"query":"{ sources { name } }"}';
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(await client.closed(2_000)).toBeDefined();
    expect(statusOf(client.received())).toBe(401);
  });

  it('answers an oversized declared body with 413 and closes without reading it', async () => {
    const client = await rawClient(harness.url);
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${KEYS.acme}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"query":`,
    );
    client.drip(100);
    const openMs = await client.closed(2_000);
    expect(statusOf(client.received())).toBe(413);
    expect(openMs).toBeDefined();
  });

  it('answers a chunked body that grows past the limit with 413 and closes while it is still being sent', async () => {
    const client = await rawClient(harness.url);
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${KEYS.acme}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 17; i += 1) client.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    client.drip(100, '1\r\nx\r\n');
    const openMs = await client.closed(2_000);
    expect(statusOf(client.received())).toBe(413);
    expect(openMs).toBeDefined();
  });

  it('still answers an honest oversized POST with a readable 413 (fetch)', async () => {
    const response = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify({ query: '{ sources { name } }', variables: { pad: 'x'.repeat(2_000_000) } }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('keeps authenticated keep-alive connections for the next request', async () => {
    const client = await rawClient(harness.url);
    const body = '{"query":"{ sources { name } }"}';
    const request = `POST ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${KEYS.acme}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    client.socket.write(request);
    await eventually(() => client.received().includes('"sources"'));
    client.socket.write(request);
    await eventually(() => client.received().split('HTTP/1.1 200').length === 3);
    expect(client.closedAfterMs()).toBeUndefined();
  });
});

describe('security: request timeouts (issue 15)', () => {
  it('cuts a GraphQL body dripped slower than server.requestTimeoutMs, and headers slower than server.headersTimeoutMs', async () => {
    const { lines, logger } = capture();
    await withHarness({ server: { headersTimeoutMs: 400, requestTimeoutMs: 800 }, gateway: { logger } }, async (harness) => {
      const path = new URL(harness.url).pathname;
      const body = await rawClient(harness.url);
      body.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${KEYS.acme}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      body.drip(100);
      const headers = await rawClient(harness.url);
      headers.socket.write(`POST ${path} HTTP/1.1\r\nHost: gateway\r\n`);
      headers.drip(100);
      const [bodyOpenMs, headersOpenMs] = await Promise.all([body.closed(5_000), headers.closed(5_000)]);
      expect(statusOf(body.received())).toBe(408);
      expect(bodyOpenMs).toBeGreaterThanOrEqual(700);
      expect(bodyOpenMs).toBeLessThan(2_000);
      expect(statusOf(headers.received())).toBe(408);
      expect(headersOpenMs).toBeLessThan(1_500);
      // A fresh connection that sends nothing is cut by the headers timeout too.
      const silent = await rawClient(harness.url);
      expect(await silent.closed(2_000)).toBeLessThan(1_500);
      // Not a server error: nothing above info was logged for the cut requests.
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      // A request that is slow to answer (not to send) is not what the timeout cuts.
      harness.sims.zendesk.injectFault({ latencyMs: 1_200 });
      const slow = await harness.gql('{ auditEvents(sources: ["zendesk"], first: 1) { edges { cursor } } }');
      harness.sims.zendesk.clearFaults();
      expect(slow.status).toBe(200);
      expect(slow.errors).toBeUndefined();
    });
  });

  it('rejects a headers timeout longer than the request timeout at start-up, naming the key', () => {
    const text = JSON.stringify({
      server: { headersTimeoutMs: 40_000 },
      cursorSecret: CURSOR_SECRET,
      tenants: [{ id: 'acme', apiKeys: [KEYS.acme], sources: ['*'] }],
      sources: [{ id: 'lr-web', provider: 'logrocket', orgId: 'o', appId: 'a', apiKey: 'k' }],
    });
    expect(() => parseConfig(text, { format: 'json', env: {} })).toThrow(
      'server.headersTimeoutMs: must not exceed server.requestTimeoutMs (default 30000)',
    );
  });
});

describe('security: highlights webhook bodies (issue 15)', () => {
  let sim: LogRocketSimulator;
  let gateway: Gateway;
  let origin: string;
  const { lines, logger } = capture();
  const KEY = 'security-key-0123456789';

  beforeAll(async () => {
    sim = await startLogRocketSimulator({ appId: 'web', count: 5, highlightDelayMs: 60_000 });
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}`, headersTimeoutMs: 500, requestTimeoutMs: 1_000 },
        cursorSecret: CURSOR_SECRET,
        tenants: [{ id: 'acme', apiKeys: [KEY], sources: ['lr-web'] }],
        sources: [
          { id: 'lr-web', provider: 'logrocket', baseUrl: sim.baseUrl, orgId: sim.orgId, appId: sim.appId, apiKey: sim.apiKey, retries: 0 },
        ],
      }),
      { format: 'json', env: {} },
    );
    gateway = await createGateway(config, { logger, highlights: { pollIntervalMs: 60_000 } });
    origin = new URL(await gateway.listen()).origin;
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await gateway?.close();
    await sim?.close();
  });

  const dripTo = async (url: string) => {
    const { pathname } = new URL(url);
    const client = await rawClient(url);
    client.socket.write(`POST ${pathname} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{`);
    client.drip(200);
    return client;
  };

  it('cuts a webhook body sent a byte at a time at the request timeout, without an error logged', async () => {
    const asked = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        query: 'query H($input: HighlightsInput!) { highlights(input: $input) { requestId status } }',
        variables: { input: { userId: 'drip' } },
      }),
    });
    expect(asked.status).toBe(200);
    const webhookUrl = JSON.parse(restRequests(sim, '/highlights/', 'POST')[0]!.body!).webhookURL as string;
    const client = await dripTo(webhookUrl);
    const openMs = await client.closed(4_000);
    expect(statusOf(client.received())).toBe(408);
    expect(openMs).toBeGreaterThanOrEqual(900);
    expect(openMs).toBeLessThan(2_500);
    await sleep(50);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('disconnects a wrong-token webhook call right after its 401, however slowly it sends', async () => {
    const client = await dripTo(`${origin}/webhooks/logrocket/highlights/lr-web/forged-token`);
    const openMs = await client.closed(900);
    expect(statusOf(client.received())).toBe(401);
    expect(openMs).toBeLessThan(900);
  });
});

describe('security: connections per client (issue 15)', () => {
  const healthz = (path = '/healthz') => `GET ${path} HTTP/1.1\r\nHost: gateway\r\n\r\n`;

  it('refuses the N+1th connection of a client while N are open, logs it sampled, and takes connections again once one closes', async () => {
    const { lines, logger } = capture();
    await withHarness({ server: { maxConnectionsPerClient: 8 }, gateway: { logger } }, async (harness) => {
      const held: RawClient[] = [];
      for (let i = 0; i < 8; i += 1) {
        const client = await rawClient(harness.url);
        client.socket.write(healthz());
        // Answered, so counted; then held open by keep-alive.
        await eventually(() => client.received().includes('"ok"'));
        held.push(client);
      }
      const refused: RawClient[] = [];
      for (let i = 0; i < 5; i += 1) {
        const extra = await rawClient(harness.url);
        extra.socket.write(healthz());
        refused.push(extra);
      }
      for (const extra of refused) {
        expect(await extra.closed(1_000)).toBeDefined();
        expect(extra.received()).toBe('');
      }
      expect(held.every((client) => client.closedAfterMs() === undefined)).toBe(true);
      const warnings = lines.filter((l) => l.msg?.startsWith('connection refused'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ client: '127.0.0.1', maxConnectionsPerClient: 8, level: 40 });

      held.pop()!.destroy();
      await eventually(async () => {
        const again = await rawClient(harness.url);
        again.socket.write(healthz());
        await again.closed(200);
        return again.received().includes('"ok"');
      });
    });
  });

  it('leaves ordinary concurrency alone: 64 parallel requests on 64 connections all succeed with the default cap', async () => {
    await withHarness({}, async (harness) => {
      harness.sims.zendesk.injectFault({ latencyMs: 200 });
      const agent = new Agent({ connections: 64 });
      let peak = 0;
      const sampler = setInterval(() => harness.gateway.server.getConnections((_error, count) => (peak = Math.max(peak, count))), 20);
      try {
        const statuses = await Promise.all(
          Array.from({ length: 64 }, async () => {
            const response = await undiciFetch(harness.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
              body: JSON.stringify({ query: '{ auditEvents(sources: ["zendesk"], first: 1) { edges { cursor } } }' }),
              dispatcher: agent,
            });
            const body = (await response.json()) as { errors?: unknown };
            return body.errors === undefined ? response.status : -1;
          }),
        );
        expect(statuses).toEqual(Array.from({ length: 64 }, () => 200));
        expect(peak).toBeGreaterThanOrEqual(60);
      } finally {
        clearInterval(sampler);
        harness.sims.zendesk.clearFaults();
        await agent.close();
      }
    });
  });

  it('counts IPv4 clients by address and IPv6 clients by their /64', () => {
    expect(clientKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe(clientKeyOf('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8:1:3::1')).not.toBe(clientKeyOf('2001:db8:1:2::1'));
    expect(clientKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('security: metrics exposure (issue 15)', () => {
  const SOURCE_NAMES = ['logrocket', 'zendesk', 'losant', 'nirvana'];

  it('answers 404 for /metrics on the public port, with or without a key, and serves the metrics on the metrics listener', async () => {
    await withHarness({}, async (harness) => {
      await harness.gql('{ auditEvents(sources: ["zendesk"], first: 1) { edges { cursor } } }', undefined, KEYS.beta);
      const base = harness.url.replace(/\/graphql$/, '');
      for (const headers of [{}, { authorization: `Bearer ${KEYS.beta}` }, { authorization: `Bearer ${KEYS.acme}` }] as Record<
        string,
        string
      >[]) {
        const response = await fetch(`${base}/metrics`, { headers });
        expect(response.status).toBe(404);
        const text = await response.text();
        for (const name of SOURCE_NAMES) expect(text).not.toContain(name);
        expect(text).not.toContain('nodejs_version');
      }
      expect(new URL(harness.metricsUrl).port).not.toBe(new URL(harness.url).port);
      const scraped = await fetch(harness.metricsUrl);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/auditgraph_upstream_request_duration_seconds_count\{source="zendesk",status="200"\} [1-9]/);
      expect((await fetch(harness.metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
    });
  });

  it('asks for metrics.token when one is configured', async () => {
    const token = 'metrics-token-0123456789';
    await withHarness({ metrics: { token } }, async (harness) => {
      const none = await fetch(harness.metricsUrl);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(await none.text()).not.toContain('auditgraph_');
      expect((await fetch(harness.metricsUrl, { headers: { authorization: `Bearer ${KEYS.acme}` } })).status).toBe(401);
      expect((await fetch(harness.metricsUrl, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      const right = await fetch(harness.metricsUrl, { headers: { authorization: `Bearer ${token}` } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('auditgraph_http_request_duration_seconds');
    });
  });

  it('starts two instances from one config file on one machine, as the README\'s "Several instances" does', async () => {
    const sim = await startLogRocketSimulator({ appId: 'web', count: 5 });
    const text = JSON.stringify({
      cursorSecret: CURSOR_SECRET,
      tenants: [{ id: 'acme', apiKeys: [KEYS.acme], sources: ['*'] }],
      sources: [{ id: 'lr-web', provider: 'logrocket', baseUrl: sim.baseUrl, orgId: sim.orgId, appId: sim.appId, apiKey: sim.apiKey }],
    });
    const gateways: Gateway[] = [];
    try {
      for (const port of ['0', '0']) {
        const gateway = await createGateway(parseConfig(text, { format: 'json', env: { PORT: port } }), {
          logger: createLogger({ level: 'silent' }),
        });
        gateways.push(gateway);
        await gateway.listen();
      }
      for (const gateway of gateways) {
        expect((await fetch(gateway.url().replace(/\/graphql$/, '/healthz'))).status).toBe(200);
        expect((await fetch(gateway.url().replace(/\/graphql$/, '/metrics'))).status).toBe(404);
        expect(gateway.metricsUrl()).toBeUndefined();
      }
    } finally {
      for (const gateway of gateways) await gateway.close();
      await sim.close();
    }
  });
});

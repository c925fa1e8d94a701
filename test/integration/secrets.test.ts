import { Writable } from 'node:stream';
import type { AppConfig } from '../../src/config/config.schema';
import { createGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logging/logger';
import { simulatorSources } from '../../src/simulators/demo-sources';
import {
  startLogRocketSimulator,
  startLosantSimulator,
  startNirvanaSimulator,
  startZendeskSimulator,
  type AllSimulators,
  type Fault,
} from '../../src/simulators/index';

const CANARY = {
  lr: 'canary-lr-key-7f3e9a',
  zdToken: 'canary-zd-token-5b21c4',
  zdEmail: 'canary-admin@example.com',
  losant: 'canary-losant-token-88d0e1',
  nirvana: 'canary-nirvana-key-c4a9f2',
  tenant: 'canary-tenant-key-0a1b2c3d',
  cursor: 'canary-cursor-secret-0123456789abcdef-xyz',
};
/** Every form a credential could leak in: raw, and Zendesk's Basic header value. */
const SECRETS = [...Object.values(CANARY), Buffer.from(`${CANARY.zdEmail}/token:${CANARY.zdToken}`).toString('base64')].filter(
  (s) => s !== CANARY.zdEmail,
);

const FAULTS: [string, Fault][] = [
  ['503', { status: 503 }],
  ['500', { status: 500 }],
  // Short: a 429 pauses the source for its Retry-After, and later cases read the same source.
  ['429', { rateLimited: { retryAfterSeconds: 1 } }],
  ['malformed body', { malformed: true }],
  ['dropped connection', { drop: true }],
  ['timeout', { latencyMs: 800 }],
];

describe('credentials never leak', () => {
  let sims: AllSimulators;
  let gateway: Gateway;
  let url: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const [logrocket, zendesk, losant, nirvana] = await Promise.all([
      startLogRocketSimulator({ seed: 91, count: 30, apiKey: CANARY.lr }),
      startZendeskSimulator({ seed: 91, count: 30, email: CANARY.zdEmail, apiToken: CANARY.zdToken }),
      startLosantSimulator({ seed: 91, count: 30, apiToken: CANARY.losant }),
      startNirvanaSimulator({ seed: 91, count: 30, apiKey: CANARY.nirvana }),
    ]);
    sims = {
      logrocket,
      zendesk,
      losant,
      nirvana,
      close: async () => void (await Promise.all([logrocket, zendesk, losant, nirvana].map((s) => s.close()))),
    };
    const config: AppConfig = {
      server: { host: '127.0.0.1', port: 0, introspection: false },
      cursorSecret: CANARY.cursor,
      cache: {},
      tenants: [{ id: 'acme', apiKeys: [CANARY.tenant], sources: ['*'] }],
      sources: simulatorSources(sims, { retries: 1, timeoutMs: 300, breakerFailures: 1000 }),
      demo: false,
    };
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    gateway = await createGateway(config, { logger: createLogger({ level: 'debug', destination }), pageCache: false });
    url = await gateway.listen();
  });
  afterAll(async () => {
    await gateway.close();
    await sims.close();
  });

  it('in any response or log line, through every fault of every source, bad keys and bad cursors', async () => {
    const responses: string[] = [];
    const send = async (query: string, variables: Record<string, unknown> = {}, key: string | null = CANARY.tenant) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      responses.push(text, JSON.stringify([...response.headers.entries()]));
      return text;
    };
    const page =
      'query P($s: [String!], $p: SourceErrorPolicy) { auditEvents(sources: $s, first: 5, onSourceError: $p) { edges { node { id nativeId raw } } pageInfo { endCursor } } }';
    for (const source of ['logrocket', 'zendesk', 'losant', 'nirvana'] as const) {
      for (const [, fault] of FAULTS) {
        sims[source].injectFault(fault);
        await send(page, { s: [source] });
        await send(page, { s: null, p: 'PARTIAL' });
        sims[source].clearFaults();
      }
    }
    // Upstream rejecting credentials: point one source at another's key by injecting a 401.
    sims.zendesk.injectFault({ status: 401 });
    await send(page, { s: ['zendesk'] });
    sims.zendesk.clearFaults();
    // Caller mistakes: wrong key, no key, forged cursor, bad arguments, an unknown field.
    await send('{ sources { name } }', {}, 'wrong-key');
    await send('{ sources { name } }', {}, null);
    await send(page, { s: ['nirvana'] }).then(async (text) => {
      const cursor = JSON.parse(text).data.auditEvents.pageInfo.endCursor as string;
      await send('query Q($a: String) { auditEvents(sources: ["nirvana"], after: $a) { edges { cursor } } }', {
        a: `${cursor.slice(0, -2)}xx`,
      });
    });
    await send('{ auditEvents(first: 1000) { edges { cursor } } }');
    await send('{ nope }');

    expect(responses.length).toBeGreaterThan(50);
    expect(logs.length).toBeGreaterThan(10);
    const everything = [...responses, ...logs].join('\n');
    for (const secret of SECRETS) expect({ secret, found: everything.includes(secret) }).toEqual({ secret, found: false });
  });
});

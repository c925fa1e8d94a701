import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startHarness, KEYS, type Harness } from '../support/gateway-harness';
import { captureLogs } from '../support/log-capture';

describe('HTTP surface', () => {
  let harness: Harness;
  let base: string;
  beforeAll(async () => {
    harness = await startHarness({ seed: 8, count: 30 });
    base = harness.url.replace(/\/graphql$/, '');
  });
  afterAll(() => harness.close());

  it('answers /healthz and /readyz without a key', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('serves queries over GET with the tenant key (a header browsers cannot send cross-site without a preflight)', async () => {
    const query = encodeURIComponent('{ sources { name } }');
    const ok = await fetch(`${harness.url}?query=${query}`, { headers: { authorization: `Bearer ${KEYS.beta}` } });
    expect(await ok.json()).toEqual({ data: { sources: [{ name: 'zendesk' }] } });
    const mutation = await fetch(
      `${harness.url}?query=${encodeURIComponent('mutation { upsertUser(input: { userId: "x" }) { userId } }')}`,
      {
        headers: { authorization: `Bearer ${KEYS.acme}` },
      },
    );
    expect(mutation.status).toBe(405);
  });

  it('refuses a malformed JSON body with a clear error', async () => {
    const bad = await fetch(harness.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers unknown paths with 404 and echoes a request id', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const response = await harness.gql('{ sources { name } }');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('has no introspection outside demo mode by default', async () => {
    const response = await harness.gql('{ __schema { types { name } } }');
    expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('HTTP statuses of refused operations', () => {
  let harness: Harness;
  const { logger, lines } = captureLogs('info');
  beforeAll(async () => {
    harness = await startHarness({ seed: 9, count: 20, gateway: { logger } });
  });
  afterAll(() => harness.close());

  const post = async (body: unknown) => {
    const response = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      requestId: response.headers.get('x-request-id'),
      body: (await response.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] },
    };
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('answers a syntax error and a document over the token limit with 400 GRAPHQL_PARSE_FAILED', async () => {
    const syntax = await post({ query: '{ sources { name ' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(syntax.body.errors[0].message).toMatch(/^Syntax Error: Expected Name/);
    const tokens = await post({ query: `{ sources { ${Array.from({ length: 2001 }, () => 'name').join(' ')} } }` });
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/more than 2000 tokens/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it("answers a persisted-query hash that is not the query's with 400 BAD_USER_INPUT, logging no error or stack", async () => {
    const query = '{ sources { name } }';
    const mismatch = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ sources { id } }') } } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(mismatch.body.errors[0].message).toMatch(/sha256Hash/);
    const version = await post({ query, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } } });
    expect(version.status).toBe(400);
    expect(version.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const requestId of [mismatch.requestId, version.requestId]) {
      const logged = lines.filter((line) => line.requestId === requestId);
      expect(logged.find((line) => line.msg === 'graphql request')).toMatchObject({ status: 400 });
      expect(logged.filter((line) => line.level >= 50)).toEqual([]);
      expect(JSON.stringify(logged)).not.toMatch(/stack|INTERNAL_SERVER_ERROR/);
    }
    // The right hash registers the query, and the hash alone then runs it.
    expect((await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } })).status).toBe(200);
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toEqual({ sources: expect.arrayContaining([{ name: 'zendesk' }]) });
  });
});

describe('npm start without a config (demo mode)', () => {
  it('starts simulators and a keyless gateway on loopback that answers the sample query', async () => {
    // Without NODE_ENV, as `npm start` runs it: main.ts then defaults to production mode.
    const { NODE_ENV: _jestEnv, ...env } = process.env;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'main.ts')], {
      env: { ...env, PORT: '0', AUDITGRAPH_CONFIG: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ sources { name } auditEvents(sources: ["logrocket"], first: 2) { edges { node { action } } } }' }),
      });
      const body = (await response.json()) as any;
      expect(body.data.sources).toHaveLength(4);
      expect(body.data.auditEvents.edges).toHaveLength(2);
      const get = await fetch(`${url}?query=${encodeURIComponent('{ sources { name } }')}`);
      expect(((await get.json()) as any).data.sources).toHaveLength(4);
      // Demo mode is keyless on loopback: its metrics are on its own port, where a developer looks.
      const metrics = await fetch(url.replace(/\/graphql$/, '/metrics'));
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('auditgraph_http_request_duration_seconds');
      const sandbox = await fetch(url, { headers: { accept: 'text/html' } });
      expect(await sandbox.text()).toContain('embeddable-sandbox');
      // Sandbox needs introspection, which Apollo would turn off in production unless told.
      const introspection = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
      });
      expect(((await introspection.json()) as any).data.__schema.queryType.name).toBe('Query');
      // Keyless over the WebSocket too, and new events keep arriving for the live tail to show.
      const tail = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      try {
        const first = await new Promise<any>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no live event within 20 s')), 20_000);
          tail.subscribe(
            { query: 'subscription { auditEventAdded { cursor node { occurredAt source { name } } } }' },
            {
              next: (result) => {
                clearTimeout(timer);
                resolve(result);
              },
              error: (error) => reject(new Error(JSON.stringify(error))),
              complete: () => undefined,
            },
          );
        });
        expect(first.errors).toBeUndefined();
        expect(Date.now() - Date.parse(first.data.auditEventAdded.node.occurredAt)).toBeLessThan(60_000);
      } finally {
        await tail.dispose();
      }
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});

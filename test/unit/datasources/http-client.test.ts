import { MockAgent } from 'undici';
import { UpstreamHttpClient, type UpstreamHttpClientOptions } from '../../../src/datasources/http-client';
import { AuditGraphError, RequestCancelled } from '../../../src/errors';
import { CircuitBreaker } from '../../../src/datasources/protection/circuit-breaker';
import { silentLogger } from '../../../src/logging/logger';

const ORIGIN = 'http://upstream.test';
const CANARY_TOKEN = 'CANARY-9b1e-do-not-leak';
const NOW = Date.parse('2024-02-02T20:48:40Z');
const FAR = { deadline: NOW + 60_000 };

function setup(options: Partial<UpstreamHttpClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const waits: number[] = [];
  const attempts: (number | 'error' | 'cancelled')[] = [];
  const client = new UpstreamHttpClient({
    sourceId: 'zendesk',
    baseUrl: `${ORIGIN}/base/`,
    timeoutMs: 2_000,
    retries: 3,
    dispatcher: agent,
    logger: silentLogger(),
    now: () => NOW,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    onAttempt: ({ status }) => attempts.push(status),
    ...options,
  });
  return { agent, pool, client, waits, attempts };
}

async function failure(promise: Promise<unknown>): Promise<AuditGraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuditGraphError);
  return error as AuditGraphError;
}

describe('UpstreamHttpClient', () => {
  it('sends GETs below the base path and parses JSON', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/base/api/v2/audit_logs', method: 'GET' }).reply(200, { audit_logs: [] });
    await expect(client.send({ method: 'GET', path: '/api/v2/audit_logs' }, FAR)).resolves.toMatchObject({
      status: 200,
      body: { audit_logs: [] },
    });
  });

  it('retries a 503 with exponential backoff from the injected random, then succeeds', async () => {
    const { pool, client, waits, attempts } = setup();
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(503, 'busy').times(3);
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(200, { ok: true });
    const response = await client.send({ method: 'GET', path: '/x' }, FAR);
    expect(response.body).toEqual({ ok: true });
    expect(attempts).toEqual([503, 503, 503, 200]);
    expect(waits).toEqual([50, 100, 200]); // 100 ms * 2^n * random 0.5
  });

  it('gives up after the configured retries with UPSTREAM_UNAVAILABLE naming the source', async () => {
    const { pool, client, attempts } = setup({ retries: 2 });
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(503, '<html>upstream body</html>').persist();
    const error = await failure(client.send({ method: 'GET', path: '/x' }, FAR));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.extensions.source).toBe('zendesk');
    expect(error.message).not.toContain('upstream body');
    expect(attempts).toHaveLength(3);
  });

  it('honours Retry-After on 429 and waits that long before retrying', async () => {
    const { pool, client, waits } = setup();
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(429, 'slow down', { headers: { 'retry-after': '2' } });
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(429, 'slow down', { headers: { 'retry-after-ms': '300' } });
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(200, { ok: 1 });
    await expect(client.send({ method: 'GET', path: '/x' }, FAR)).resolves.toMatchObject({ body: { ok: 1 } });
    expect(waits).toEqual([2000, 300]);
  });

  it('does not retry when Retry-After exceeds maxRetryAfterMs, and says when to come back', async () => {
    const { pool, client, waits, attempts } = setup({ maxRetryAfterMs: 10_000 });
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(429, 'slow down', { headers: { 'retry-after': '60' } });
    const error = await failure(client.send({ method: 'GET', path: '/x' }, FAR));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.extensions).toMatchObject({ source: 'zendesk', retryAfter: 60 });
    expect(waits).toEqual([]);
    expect(attempts).toEqual([429]);
  });

  it('does not wait past the request deadline for a retry', async () => {
    const { pool, client, waits } = setup();
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '5' } });
    const error = await failure(client.send({ method: 'GET', path: '/x' }, { deadline: NOW + 1000 }));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(waits).toEqual([]);
  });

  it('never retries a POST unless told it is idempotent', async () => {
    const { pool, client, attempts } = setup();
    pool.intercept({ path: '/base/highlights/', method: 'POST' }).reply(503, 'busy').persist();
    const error = await failure(client.send({ method: 'POST', path: '/highlights/', body: { userEmail: 'a@b.c' } }, FAR));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(attempts).toEqual([503]);

    const retried = setup();
    retried.pool.intercept({ path: '/base/highlights/', method: 'POST' }).reply(503, 'busy');
    retried.pool.intercept({ path: '/base/highlights/', method: 'POST', body: '{"a":1}' }).reply(200, { id: 'r1' });
    await expect(
      retried.client.send({ method: 'POST', path: '/highlights/', body: { a: 1 }, idempotent: true }, FAR),
    ).resolves.toMatchObject({
      body: { id: 'r1' },
    });
  });

  it('reports invalid JSON as UPSTREAM_BAD_RESPONSE', async () => {
    const { pool, client } = setup({ retries: 0 });
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(200, '{"audit_logs": [', { headers: { 'content-type': 'application/json' } });
    const error = await failure(client.send({ method: 'GET', path: '/x' }, FAR));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.extensions.source).toBe('zendesk');
    expect(error.message).not.toContain('audit_logs');
  });

  it('returns a text body as text when the provider answers text/plain', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(200, 'plain words', { headers: { 'content-type': 'text/plain' } });
    await expect(client.send({ method: 'GET', path: '/x' }, FAR)).resolves.toMatchObject({ body: 'plain words' });
  });

  it('hands accepted error statuses back instead of failing', async () => {
    const { pool, client, attempts } = setup();
    pool.intercept({ path: '/base/api/v2/audit_logs/9', method: 'GET' }).reply(404, { error: 'RecordNotFound' });
    await expect(client.send({ method: 'GET', path: '/api/v2/audit_logs/9', acceptStatuses: [404] }, FAR)).resolves.toMatchObject({
      status: 404,
      body: { error: 'RecordNotFound' },
    });
    expect(attempts).toEqual([404]);
  });

  it('fails with UPSTREAM_TIMEOUT without sending anything once the deadline has passed', async () => {
    const { pool, client, attempts, agent } = setup();
    pool.intercept({ path: '/base/x', method: 'GET' }).reply(200, {});
    const error = await failure(client.send({ method: 'GET', path: '/x' }, { deadline: NOW }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.extensions.source).toBe('zendesk');
    expect(attempts).toEqual([]);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('times an attempt out with UPSTREAM_TIMEOUT', async () => {
    const { pool, client } = setup({ timeoutMs: 50, retries: 0, now: Date.now });
    pool.intercept({ path: '/base/slow', method: 'GET' }).reply(200, {}).delay(1_000);
    const error = await failure(client.send({ method: 'GET', path: '/slow' }, { deadline: Date.now() + 60_000 }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('keeps repeated query keys, in order', async () => {
    const { pool, client } = setup();
    const seen: string[] = [];
    pool
      .intercept({
        path: (p) => {
          seen.push(p);
          return p.startsWith('/base/api/v2/audit_logs?');
        },
        method: 'GET',
      })
      .reply(200, {});
    await client.send(
      {
        method: 'GET',
        path: '/api/v2/audit_logs',
        query: [
          ['page[size]', '100'],
          ['filter[action][]', 'create'],
          ['filter[action][]', 'update'],
          ['filter[created_at][]', '2024-01-01T00:00:00Z'],
          ['filter[created_at][]', '2024-02-01T00:00:00Z'],
        ],
      },
      FAR,
    );
    const url = new URL(`${ORIGIN}${seen[seen.length - 1]}`);
    expect(url.searchParams.getAll('filter[action][]')).toEqual(['create', 'update']);
    expect(url.searchParams.getAll('filter[created_at][]')).toEqual(['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z']);
    expect(url.searchParams.get('page[size]')).toBe('100');
  });

  it('never puts the Authorization header value into an error', async () => {
    const headers = { authorization: `Bearer ${CANARY_TOKEN}` };
    // Interceptors match only when the header was sent, so each case proves it reached the provider.
    const cases: [string, string, (pool: ReturnType<typeof setup>['pool']) => void][] = [
      [
        '401',
        'UPSTREAM_AUTH_FAILED',
        (pool) => pool.intercept({ path: '/base/x', method: 'GET', headers }).reply(401, `bad token ${CANARY_TOKEN}`),
      ],
      [
        '500',
        'UPSTREAM_UNAVAILABLE',
        (pool) => pool.intercept({ path: '/base/x', method: 'GET', headers }).reply(500, `echo ${CANARY_TOKEN}`).persist(),
      ],
      [
        '429',
        'UPSTREAM_RATE_LIMITED',
        (pool) =>
          pool.intercept({ path: '/base/x', method: 'GET', headers }).reply(429, CANARY_TOKEN, { headers: { 'retry-after': '999' } }),
      ],
      [
        'bad JSON',
        'UPSTREAM_BAD_RESPONSE',
        (pool) => pool.intercept({ path: '/base/x', method: 'GET', headers }).reply(200, `{"${CANARY_TOKEN}"`).persist(),
      ],
      [
        'network error',
        'UPSTREAM_UNAVAILABLE',
        (pool) =>
          pool
            .intercept({ path: '/base/x', method: 'GET', headers })
            .replyWithError(new Error(`socket hang up ${CANARY_TOKEN}`))
            .persist(),
      ],
      ['no route', 'UPSTREAM_UNAVAILABLE', () => undefined],
    ];
    for (const [name, code, arrange] of cases) {
      const { pool, client } = setup({ retries: 1 });
      arrange(pool);
      const error = await failure(client.send({ method: 'GET', path: '/x', headers }, FAR));
      const visible = JSON.stringify({ message: error.message, extensions: error.extensions, json: error.toJSON() });
      expect({ name, leaked: visible.includes(CANARY_TOKEN) }).toEqual({ name, leaked: false });
      expect({ name, code: error.code }).toEqual({ name, code });
    }
  });

  it('stops at once when the caller aborts, as a cancellation, not a timeout or a breaker strike', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 60_000 });
    const { pool, client, attempts } = setup({ now: Date.now, breaker });
    pool.intercept({ path: '/base/slow', method: 'GET' }).reply(200, {}).delay(1_000).persist();
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const pending = client.send({ method: 'GET', path: '/slow' }, { deadline: Date.now() + 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('client went away')), 20);
      await expect(pending).rejects.toBeInstanceOf(RequestCancelled);
    }
    expect(attempts).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(breaker.state).toBe('closed');
  });

  it('does not count an attempt that the request deadline cut short against the source', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 60_000 });
    const { pool, client } = setup({ now: Date.now, breaker });
    pool.intercept({ path: '/base/slow', method: 'GET' }).reply(200, {}).delay(1_000).persist();
    const error = await failure(client.send({ method: 'GET', path: '/slow' }, { deadline: Date.now() + 50 }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(breaker.state).toBe('closed');
  });

  it('counts an attempt that used its whole timeout against the source', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 60_000 });
    const { pool, client } = setup({ now: Date.now, breaker, timeoutMs: 50, retries: 0 });
    pool.intercept({ path: '/base/slow', method: 'GET' }).reply(200, {}).delay(1_000).persist();
    const error = await failure(client.send({ method: 'GET', path: '/slow' }, { deadline: Date.now() + 60_000 }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(breaker.state).toBe('open');
  });
});

import { MockAgent } from 'undici';
import { UpstreamHttpClient, type UpstreamSample } from '../../../../src/datasources/http-client';
import { CircuitBreaker } from '../../../../src/datasources/protection/circuit-breaker';
import { OutboundPacer } from '../../../../src/datasources/protection/outbound-pacer';
import { MemoryPacingStore } from '../../../../src/datasources/protection/pacing-store';
import { AuditGraphError, RequestCancelled } from '../../../../src/errors';
import { silentLogger } from '../../../../src/logging/logger';

const ORIGIN = 'http://upstream.test';

function setup(sleep?: (ms: number, signal?: AbortSignal) => Promise<void>) {
  let t = Date.parse('2025-03-01T12:00:00Z');
  const now = () => t;
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const paced: number[] = [];
  const throttled: string[] = [];
  const attempts: UpstreamSample['status'][] = [];
  const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 60_000, now });
  const rateLimit = new OutboundPacer({
    key: 'zendesk:acct',
    sourceId: 'zendesk',
    store: new MemoryPacingStore(),
    now,
    sleep:
      sleep ??
      (async (ms) => {
        paced.push(ms);
        t += ms;
      }),
  });
  const client = new UpstreamHttpClient({
    sourceId: 'zendesk',
    baseUrl: ORIGIN,
    timeoutMs: 2_000,
    retries: 0,
    dispatcher: agent,
    logger: silentLogger(),
    now,
    onAttempt: ({ status }) => attempts.push(status),
    onThrottled: (id) => throttled.push(id),
    rateLimit,
    breaker,
  });
  return { pool, client, breaker, paced, throttled, attempts, now, advance: (ms: number) => void (t += ms) };
}

async function failure(promise: Promise<unknown>): Promise<AuditGraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuditGraphError);
  return error as AuditGraphError;
}

describe('UpstreamHttpClient with an outbound pacer', () => {
  it("pauses the source on a provider's 429 and lets the next call through after Retry-After", async () => {
    const { pool, client, paced, now } = setup();
    pool.intercept({ path: '/x', method: 'GET' }).reply(429, 'slow down', { headers: { 'retry-after': '3' } });
    pool.intercept({ path: '/x', method: 'GET' }).reply(200, { ok: 1 });
    const limited = await failure(client.send({ method: 'GET', path: '/x' }, { deadline: now() + 30_000 }));
    expect(limited.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 3 });
    await expect(client.send({ method: 'GET', path: '/x' }, { deadline: now() + 30_000 })).resolves.toMatchObject({ body: { ok: 1 } });
    expect(paced).toEqual([3_000]);
  });

  it('refuses within the deadline as UPSTREAM_RATE_LIMITED with retryAfter, without calling or counting a breaker failure', async () => {
    const { pool, client, breaker, throttled, attempts, now } = setup();
    pool.intercept({ path: '/x', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '120' } });
    await failure(client.send({ method: 'GET', path: '/x' }, { deadline: now() + 30_000 }));
    const refused = await failure(client.send({ method: 'GET', path: '/x' }, { deadline: now() + 30_000 }));
    expect(refused.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'zendesk', retryAfter: 120 });
    expect(attempts).toEqual([429]);
    expect(throttled).toEqual(['zendesk']);
    // A threshold of 1 would have opened on one counted failure.
    expect(breaker.state).toBe('closed');
  });

  it('spreads calls once Zendesk reports a low remaining budget', async () => {
    const { pool, client, paced, now } = setup();
    for (const remaining of [14, 13, 12]) {
      pool
        .intercept({ path: '/x', method: 'GET' })
        .reply(200, {}, { headers: { 'x-rate-limit': '100', 'x-rate-limit-remaining': String(remaining) } });
    }
    for (let i = 0; i < 3; i++) await client.send({ method: 'GET', path: '/x' }, { deadline: now() + 30_000 });
    // The first answer taught the budget: 4 spendable above the reserve of 10, over the minute.
    expect(paced).toEqual([15_000]);
  });

  it('a call waiting for budget whose client goes away stops at once, and the breaker keeps no probe hanging', async () => {
    const { pool, client, breaker, attempts } = setup(
      (ms, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        }),
    );
    pool.intercept({ path: '/x', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '20' } });
    await failure(client.send({ method: 'GET', path: '/x' }, { deadline: Date.now() + 60_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gone')), 20);
    const started = Date.now();
    const error = await client
      .send({ method: 'GET', path: '/x' }, { deadline: Date.now() + 60_000, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(RequestCancelled);
    expect(attempts).toEqual([429]);
    expect(breaker.state).toBe('closed');
  });
});

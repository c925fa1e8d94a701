import { createServer } from 'node:net';
import { silentLogger } from '../../../../src/logging/logger';
import { TenantRateLimiter } from '../../../../src/server/protection/tenant-rate-limiter';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('TenantRateLimiter', () => {
  it('counts in process, without a wait per request, when the configured Redis is down from the start', async () => {
    const limiter = new TenantRateLimiter({
      budgetOf: () => ({ requestsPerMinute: 5, costPerMinute: 100 }),
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
      logger: silentLogger(),
    });
    try {
      await limiter.request('acme');
      const started = performance.now();
      const verdicts = [];
      for (let i = 0; i < 10; i++) verdicts.push(await limiter.request('acme'));
      const perRequestMs = (performance.now() - started) / 10;
      expect(perRequestMs).toBeLessThan(50);
      // Limits degrade to per instance, never off: 5 a minute, one already spent.
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(4);
      expect(verdicts[9]).toMatchObject({ allowed: false, retryAfterSeconds: expect.any(Number) });
    } finally {
      await limiter.close();
    }
  });
});

import { JSON_BYTES } from '../../src/datasources/cache/tenant-bounded-map';
import { startHarness, KEYS, type Harness } from '../support/gateway-harness';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { checkExactlyOnce, expectedMerged, PAGE_QUERY, SOURCE_NAMES, walk } from '../support/timeline';

let redis: TestRedis | null = null;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const total = (harness: Harness) => [...harness.upstream.values()].reduce((a, b) => a + b, 0);

describe.each(['memory', 'redis'] as const)('page cache on %s', (kind) => {
  let harness: Harness;
  const skip = () => kind === 'redis' && !redis;
  beforeAll(async () => {
    if (skip()) return;
    harness = await startHarness({ seed: 51, count: 600, cacheUrl: kind === 'redis' ? redis!.url : undefined });
  });
  afterAll(() => harness?.close());

  it('a full merged scan costs at most 1.5× the per-source minimum of upstream requests', async () => {
    if (skip()) return;
    for (const order of ['OLDEST_FIRST', 'NEWEST_FIRST'] as const) {
      harness.upstream.clear();
      const expected = expectedMerged(harness.sims, SOURCE_NAMES, order);
      const { events } = await walk(harness, { source: null, order, direction: 'forward', pageSizes: [50] });
      expect(checkExactlyOnce(events, expected)).toEqual([]);
      const minimum = SOURCE_NAMES.reduce((sum, s) => sum + Math.ceil(expectedMerged(harness.sims, [s], order).length / 100), 0);
      const used = total(harness);
      process.stdout.write(
        `[economy/${kind}] ${order}: ${used} upstream requests for ${events.length} events = ${((used * 1000) / events.length).toFixed(1)} per 1,000 (minimum ${minimum}, ratio ${(used / minimum).toFixed(2)})\n`,
      );
      expect(used).toBeLessThanOrEqual(1.5 * minimum);
    }
  });

  it('never serves tenant B a page tenant A caused to be cached', async () => {
    if (skip()) return;
    const q = { sources: ['zendesk'], order: 'OLDEST_FIRST', first: 5 };
    await harness.gql(PAGE_QUERY, q, KEYS.acme);
    harness.sims.zendesk.resetRequests();
    const asBeta = await harness.gql(PAGE_QUERY, q, KEYS.beta);
    expect(asBeta.errors).toBeUndefined();
    expect(harness.sims.zendesk.requests.length).toBeGreaterThan(0);
    // …while tenant A's own next page is served from its cache.
    const page = await harness.gql(PAGE_QUERY, q, KEYS.acme);
    harness.sims.zendesk.resetRequests();
    await harness.gql(PAGE_QUERY, { ...q, after: page.data!.auditEvents.pageInfo.endCursor }, KEYS.acme);
    expect(harness.sims.zendesk.requests).toHaveLength(0);
  });

  it('shares every upstream call between identical concurrent requests', async () => {
    if (skip()) return;
    harness.sims.losant.injectFault({ latencyMs: 150, times: 10 });
    harness.sims.losant.resetRequests();
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map(() => harness.gql(PAGE_QUERY, { sources: ['losant'], order: 'NEWEST_FIRST', first: 10 })),
    );
    harness.sims.losant.clearFaults();
    expect(responses.every((r) => r.errors === undefined && r.data!.auditEvents.edges.length === 10)).toBe(true);
    // However many native requests a first page takes (an instant larger than the first native
    // page takes more than one), five clients asking at once make each of them once.
    const made = harness.sims.losant.requests.map((r) => r.query.toString());
    expect(made.length).toBeGreaterThan(0);
    expect(new Set(made).size).toBe(made.length);
  });

  it("sizes each page it keeps from the provider's response, never below the page's JSON nor far above it", async () => {
    if (skip()) return;
    const set = jest.spyOn(harness.gateway.cache, 'set');
    try {
      for (const source of SOURCE_NAMES) {
        for (const order of ['OLDEST_FIRST', 'NEWEST_FIRST'] as const)
          await walk(harness, { source, order, direction: 'forward', pageSizes: [100, 7] });
      }
      const pages = set.mock.calls.filter(([key]) => key.startsWith('page:')).map(([, value]) => value as Record<symbol, unknown>);
      expect(pages.length).toBeGreaterThan(10);
      for (const page of pages) {
        const declared = page[JSON_BYTES];
        const actual = Buffer.byteLength(JSON.stringify(page), 'utf8');
        // Losant's instants are read through a path with no single response to size by.
        if (declared === undefined) continue;
        expect(declared).toBeGreaterThanOrEqual(actual);
        expect(declared).toBeLessThan(1.6 * actual + 600);
      }
      expect(pages.filter((page) => page[JSON_BYTES] !== undefined).length).toBeGreaterThan(0.9 * pages.length);
    } finally {
      set.mockRestore();
    }
  });
});

describe('several gateway instances sharing Redis', () => {
  it('the second instance pages with the pages the first one cached', async () => {
    if (!redis) return;
    const first = await startHarness({ seed: 52, count: 400, cacheUrl: redis.url });
    const second = await startHarness({ sims: first.sims, cacheUrl: redis.url });
    try {
      const walkOnce = async (harness: Harness) => {
        harness.upstream.clear();
        // Through the middle of the log: no open pages at either end to refetch.
        const page = await harness.gql(PAGE_QUERY, { sources: ['zendesk', 'nirvana'], order: 'OLDEST_FIRST', first: 100 });
        let cursor = page.data!.auditEvents.pageInfo.endCursor;
        for (let i = 0; i < 4; i++) {
          const next = await harness.gql(PAGE_QUERY, { sources: ['zendesk', 'nirvana'], order: 'OLDEST_FIRST', first: 100, after: cursor });
          cursor = next.data!.auditEvents.pageInfo.endCursor;
        }
        return total(harness);
      };
      const cold = await walkOnce(first);
      const warm = await walkOnce(second);
      expect(cold).toBeGreaterThan(4);
      expect(warm).toBe(0);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('a cache that is down', () => {
  it('serves from the providers and reports not ready', async () => {
    const harness = await startHarness({ seed: 53, count: 50, cacheUrl: 'redis://127.0.0.1:1' });
    try {
      const response = await harness.gql(PAGE_QUERY, { sources: ['nirvana'], first: 5 });
      expect(response.errors).toBeUndefined();
      expect(response.data!.auditEvents.edges).toHaveLength(5);
      const ready = await fetch(harness.url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(503);
    } finally {
      await harness.close();
    }
  });
});

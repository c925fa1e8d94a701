import { DEFAULT_LIMITS } from '../../src/config/config.schema';
import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';

const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;
const EVERY_FIELD =
  'id nativeId occurredAt action description ipAddress userAgent actor { id name email type } target { id type name } request { method path statusCode } source { id name provider } raw';
const PAGE = `query Page($after: String) {
  auditEvents(first: 100, after: $after) {
    totalCount
    edges { cursor node { ${EVERY_FIELD} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
/** The default inbound budgets, not the harness's unlimited ones. */
const DEFAULT_BUDGETS = { requestsPerMinute: DEFAULT_LIMITS.requestsPerMinute, costPerMinute: DEFAULT_LIMITS.costPerMinute };

/**
 * Ten copies of the first page in one request: the same cost as ten pages (cost counts upstream
 * requests, not fields), served from the page cache, and small to send back.
 */
const TEN_PAGES = `query TenPages {
  ${Array.from({ length: 10 }, (_, i) => `p${i}: auditEvents(first: 100) { totalCount pageInfo { endCursor } }`).join('\n  ')}
}`;

const upstreamCalls = (harness: Harness) => [...harness.upstream.values()].reduce((sum, n) => sum + n, 0);

describe('default inbound budgets serve legitimate readers', () => {
  let reader: Harness;
  beforeAll(async () => {
    // 2,600 events in each of four simulators: more than 10,000 to page through.
    reader = await startHarness({ seed: 111, count: 2600, limits: DEFAULT_BUDGETS });
  });
  afterAll(() => reader.close());

  it('let one tenant read 10,000 events in 100-event pages with every field, then answer 429 once the minute is spent', async () => {
    const started = Date.now();
    let after: string | null = null;
    const seen = new Set<string>();
    let pages = 0;
    while (seen.size < 10_000) {
      const response: GraphQLResponse = await reader.gql(PAGE, { after });
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      const connection = response.data!.auditEvents;
      expect(connection.totalCount).toBeNull(); // LogRocket and Zendesk have no cheap count
      for (const edge of connection.edges) seen.add(edge.node.id);
      pages += 1;
      expect(connection.pageInfo.hasNextPage).toBe(true);
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBeLessThanOrEqual(101);
    // A full page of four sources costs 12: the default budget buys costPerMinute / 12 pages a
    // minute. The rest of it is spent ten pages a request (the same cost, far quicker to run).
    let more = 0;
    for (;;) {
      const before = upstreamCalls(reader);
      const response = await reader.gql(TEN_PAGES);
      if (response.status !== 200) {
        expect(response.status).toBe(429);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
        expect(upstreamCalls(reader)).toBe(before);
        break;
      }
      expect(response.errors).toBeUndefined();
      more += 10;
    }
    const perMinute = Math.floor(DEFAULT_LIMITS.costPerMinute / 12);
    // The counters are per 60-second window; on a machine slow enough to cross one, more get through.
    // Ten pages at a time: the refused request is the one that would have gone over.
    if (Date.now() - started < 55_000) expect(perMinute - (pages + more)).toBeGreaterThanOrEqual(0);
    if (Date.now() - started < 55_000) expect(perMinute - (pages + more)).toBeLessThan(10);
    else expect(pages + more).toBeGreaterThanOrEqual(perMinute - 10);
  });

  it('let 32 clients of one tenant each send 5 first pages at once: 160 requests, none refused', async () => {
    const burst = await startHarness({ sims: reader.sims, limits: DEFAULT_BUDGETS });
    try {
      const clients = await Promise.all(
        Array.from({ length: 32 }, async () => {
          const statuses: number[] = [];
          for (let i = 0; i < 5; i++) {
            const response = await burst.gql(PAGE, { after: null });
            expect(response.errors).toBeUndefined();
            expect(response.data!.auditEvents.edges).toHaveLength(100);
            statuses.push(response.status);
          }
          return statuses;
        }),
      );
      expect(clients.flat()).toEqual(Array(160).fill(200));
    } finally {
      await burst.close();
    }
  });

  it('refuse a tenant sending thousands of requests a minute with 429 and Retry-After, at no upstream cost', async () => {
    const flood = await startHarness({ sims: reader.sims, limits: DEFAULT_BUDGETS });
    try {
      SOURCES.forEach((s) => flood.sims[s].resetRequests());
      const statuses: number[] = [];
      const cheap = '{ sources { name } }';
      for (let sent = 0; sent < DEFAULT_LIMITS.requestsPerMinute; sent += 50) {
        statuses.push(...(await Promise.all(Array.from({ length: 50 }, async () => (await flood.gql(cheap)).status))));
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      const refused = await flood.gql(cheap);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect((await flood.gql(PAGE, { after: null })).status).toBe(429);
      for (const s of SOURCES) expect(flood.sims[s].requests).toHaveLength(0);
    } finally {
      await flood.close();
    }
  });
});

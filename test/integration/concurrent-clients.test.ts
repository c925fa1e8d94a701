import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventOrder } from '../../src/domain/audit-event';
import type { ErrorCode } from '../../src/errors';
import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';
import { expectedTimeline, SOURCE_NAMES, type SourceName } from '../support/timeline';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CONTRACT_CODES = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'BAD_USER_INPUT',
  'INVALID_CURSOR',
  'NOT_FOUND',
  'UNSUPPORTED_BY_SOURCE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_BAD_RESPONSE',
]);

const Q = `query Q($s: [String!], $o: AuditEventOrder, $n: Int, $a: String) {
  auditEvents(sources: $s, order: $o, first: $n, after: $a) { edges { node { nativeId } } pageInfo { endCursor hasNextPage } }
}`;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
}

describe('100 concurrent clients with faults injected', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 99, count: 300, tuning: { retries: 1, timeoutMs: 400, breakerFailures: 8, breakerResetMs: 300 } });
  });
  afterAll(() => harness.close());

  /** One client: pages a random source for a few pages, checking every answer. */
  const outcomes = { typedErrors: 0, pages: 0 };

  async function client(id: number, problems: string[]): Promise<void> {
    const source: SourceName = SOURCE_NAMES[id % 4];
    const order: EventOrder = id % 2 === 0 ? 'NEWEST_FIRST' : 'OLDEST_FIRST';
    const expected = expectedTimeline(harness.sims, source, order).map((e) => e.nativeId);
    let after: string | null = null;
    let offset = 0;
    for (let page = 0; page < 4; page++) {
      const size = 5 + ((id * 7 + page) % 20);
      const response: GraphQLResponse = await harness.gql(Q, { s: [source], o: order, n: size, a: after });
      if (response.errors) {
        outcomes.typedErrors += 1;
        for (const error of response.errors) {
          const code = error.extensions?.code as ErrorCode;
          if (!CONTRACT_CODES.has(code)) problems.push(`client ${id}: untyped error ${JSON.stringify(error)}`);
          if (code?.startsWith('UPSTREAM_') && error.extensions?.source !== source)
            problems.push(`client ${id}: upstream error without its source`);
        }
        if (response.data?.auditEvents) problems.push(`client ${id}: data next to a FAIL error`);
        return;
      }
      const got = response.data!.auditEvents.edges.map((e: any) => e.node.nativeId);
      const want = expected.slice(offset, offset + size);
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`client ${id}: wrong page ${page}`);
      offset += got.length;
      outcomes.pages += 1;
      after = response.data!.auditEvents.pageInfo.endCursor;
    }
  }

  it('answers every request with correct data or a typed error, and memory returns to its baseline', async () => {
    // Warm up code paths and caches once, then take the baseline.
    await Promise.all(Array.from({ length: 8 }, (_, i) => client(i, [])));
    const baseline = heapMb();

    const problems: string[] = [];
    for (const [i, source] of SOURCE_NAMES.entries()) {
      harness.sims[source].injectFault({ status: 503, times: 6 });
      harness.sims[source].injectFault({ latencyMs: 600, times: 3 });
      harness.sims[source].injectFault(
        [{ malformed: true }, { drop: true }, { rateLimited: { retryAfterSeconds: 0 } }, { status: 500 }][i] as never,
      );
    }
    await Promise.all(Array.from({ length: 100 }, (_, i) => client(i, problems)));
    for (const source of SOURCE_NAMES) harness.sims[source].clearFaults();
    expect(problems).toEqual([]);
    // The faults did bite, and most clients still got their pages.
    expect(outcomes.typedErrors).toBeGreaterThan(0);
    expect(outcomes.pages).toBeGreaterThan(200);

    // After the storm: caches expire on their own; nothing may keep growing with the number of requests.
    await new Promise((r) => setTimeout(r, 100));
    const after = heapMb();
    process.stdout.write(`[memory] heap ${baseline.toFixed(1)} MB before, ${after.toFixed(1)} MB after 100 clients × 4 pages\n`);
    expect(after - baseline).toBeLessThan(25);
  });
});

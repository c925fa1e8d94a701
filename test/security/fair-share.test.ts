import { KEYS, startHarness, type Harness } from '../support/gateway-harness';

const BURST = 150;
const PAGE = `query Page($before: DateTime!) {
  auditEvents(sources: ["zendesk"], first: 20, filter: { occurredBefore: $before }) { edges { node { id } } }
}`;

// Finding: one tenant's burst to a source queued every other tenant's calls behind it in the
// source's connection pool (alpha's one-call Zendesk page went from 59 ms to 1.8 s).
describe('a shared source is shared fairly between tenants', () => {
  let harness: Harness;
  // Distinct upper bounds: no page cache hit and no shared read, every request calls Zendesk.
  let bound = Date.parse('2030-01-01T00:00:00Z');
  const nextBound = () => new Date((bound -= 1000)).toISOString();

  beforeAll(async () => {
    harness = await startHarness({ seed: 17, count: 200 });
    harness.sims.zendesk.injectFault({ latencyMs: 100 });
  });
  afterAll(() => harness.close());

  const timedPage = async (key: string) => {
    const started = performance.now();
    const response = await harness.gql(PAGE, { before: nextBound() }, key);
    return { ms: performance.now() - started, response };
  };

  it("keeps alpha's page within 2x its unloaded latency while beta saturates Zendesk, and serves both", async () => {
    const unloaded: number[] = [];
    for (let i = 0; i < 3; i++) unloaded.push((await timedPage(KEYS.acme)).ms);
    const alone = Math.max(...unloaded);

    const burst = Array.from({ length: BURST }, () => timedPage(KEYS.beta));
    await new Promise((r) => setTimeout(r, 150));
    const alpha = await timedPage(KEYS.acme);
    const beta = await Promise.all(burst);

    process.stdout.write(
      `[fair-share] alpha alone ${alone.toFixed(0)} ms, during beta's burst of ${BURST} ${alpha.ms.toFixed(0)} ms; beta's slowest ${Math.max(...beta.map((b) => b.ms)).toFixed(0)} ms\n`,
    );
    expect(alpha.response.errors).toBeUndefined();
    expect(alpha.response.data!.auditEvents.edges).toHaveLength(20);
    expect(alpha.ms).toBeLessThanOrEqual(2 * alone);
    // Beta is slowed only by itself, and not refused.
    expect(beta.every((b) => b.response.errors === undefined)).toBe(true);
  });
});

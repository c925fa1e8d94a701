import { startHarness, type Harness } from '../support/gateway-harness';
import { breakerChanges, captureLogs } from '../support/log-capture';

const MERGED = `query Merged { auditEvents(first: 20) { edges { node { id } } } }`;
const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;

// Finding: calls the gateway cut off itself counted as provider failures: the request deadline
// opened Zendesk's breaker, and one failing source of a merged query opened three more.
describe('breakers count only what the provider did', () => {
  let harness: Harness;
  afterEach(() => harness?.close());

  it('a source failing a merged query moves no other source breaker', async () => {
    // A breaker that opens at the first strike: any wrongly counted call shows.
    const { logger, lines } = captureLogs('warn');
    harness = await startHarness({
      seed: 23,
      count: 100,
      tuning: { retries: 0, breakerFailures: 1, breakerResetMs: 60_000 },
      gateway: { pageCache: false, logger },
    });
    for (const id of SOURCES) if (id !== 'nirvana') harness.sims[id].injectFault({ latencyMs: 150 });
    harness.sims.nirvana.injectFault({ status: 503 });
    for (let i = 0; i < 3; i++) {
      const response = await harness.gql(MERGED);
      expect(response.errors![0].extensions).toMatchObject({ source: 'nirvana' });
    }
    // Let the other sources' calls, still running when the page failed, finish and be judged.
    await new Promise((r) => setTimeout(r, 300));
    expect(breakerChanges(lines)).toEqual(['nirvana open']);
  });

  it("the request's own deadline cutting calls short moves no breaker", async () => {
    const { logger, lines } = captureLogs('warn');
    harness = await startHarness({
      seed: 24,
      count: 100,
      tuning: { retries: 0, timeoutMs: 10_000, breakerFailures: 1, breakerResetMs: 60_000 },
      gateway: { pageCache: false, requestTimeoutMs: 300, logger },
    });
    for (const id of SOURCES) harness.sims[id].injectFault({ latencyMs: 1_000 });
    for (let i = 0; i < 3; i++) {
      const response = await harness.gql(MERGED);
      expect(response.errors![0].extensions!.code).toBe('UPSTREAM_TIMEOUT');
    }
    expect(breakerChanges(lines)).toEqual([]);
  });
});

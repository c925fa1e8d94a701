import { startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';

const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;
const MINUTE = 60_000;
const WALK = `query Walk($after: String) {
  auditEvents(first: 100, after: $after, order: OLDEST_FIRST) { edges { node { id occurredAt source { name } } } pageInfo { hasNextPage endCursor } }
}`;

interface Seen {
  readonly id: string;
  readonly occurredAt: string;
  readonly source: { readonly name: string };
}

/** Every event of a new walk over all sources, oldest first. */
async function walkEvents(harness: Harness): Promise<Seen[]> {
  const ids: Seen[] = [];
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    const response: GraphQLResponse = await harness.gql(WALK, { after });
    expect(response.errors).toBeUndefined();
    const { edges, pageInfo } = response.data!.auditEvents;
    ids.push(...edges.map((e: { node: Seen }) => e.node));
    if (!pageInfo.hasNextPage) return ids;
    after = pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

/** Every event id of a new walk over all sources. */
async function walk(harness: Harness): Promise<string[]> {
  return (await walkEvents(harness)).map((e) => e.id);
}

/**
 * Late arrivals: per source, 5 events stamped at the time of its 20th event, inside a range the
 * walk before read and the cache keeps as settled (they arrive weeks late, far past the settle
 * window), and 5 stamped 2 minutes back (late, but within it).
 */
function insertLateEvents(harness: Harness, seen: readonly Seen[]): { backdated: number; recent: number } {
  for (const id of SOURCES) {
    const old = seen.filter((e) => e.source.name === id)[20];
    harness.sims[id].insert(5, { at: new Date(old.occurredAt) });
    harness.sims[id].insert(5, { at: new Date(Date.now() - 2 * MINUTE) });
  }
  return { backdated: 5 * SOURCES.length, recent: 5 * SOURCES.length };
}

describe('freshness: events that arrive late into cached ranges', () => {
  it('default rules: a late event within the settle window is always seen; one later than it is seen once the settled TTL has passed', async () => {
    let clock = Date.now();
    const harness = await startHarness({ seed: 81, count: 150, gateway: { now: () => clock } });
    try {
      const seen = await walkEvents(harness);
      const first = seen.map((e) => e.id);
      const late = insertLateEvents(harness, seen);
      const second = await walk(harness);
      const missed = first.length + late.backdated + late.recent - second.length;
      // The README states this bound: only events that arrived more than `settleSeconds` late can be missing.
      expect(missed).toBeGreaterThanOrEqual(0);
      expect(missed).toBeLessThanOrEqual(late.backdated);
      expect(new Set(second).size).toBe(second.length);
      expect(second.length).toBeGreaterThanOrEqual(first.length + late.recent);
      process.stdout.write(
        `[freshness] default rules: ${missed} of ${late.backdated} backdated events missed by a walk within the settled TTL\n`,
      );
      clock += 3_600_000 + 1_000;
      const third = await walk(harness);
      expect(third.length).toBe(first.length + late.backdated + late.recent);
      expect(new Set(third).size).toBe(third.length);
    } finally {
      await harness.close();
    }
  });

  it('shareAcrossWalks: false — every new walk sees every event that existed when it started', async () => {
    const harness = await startHarness({ seed: 82, count: 150, cache: { shareAcrossWalks: false } });
    try {
      const seen = await walkEvents(harness);
      const first = seen.map((e) => e.id);
      const late = insertLateEvents(harness, seen);
      const second = await walk(harness);
      expect(second.length).toBe(first.length + late.backdated + late.recent);
      expect(new Set(second).size).toBe(second.length);
      expect(new Set(second)).toEqual(new Set([...first, ...second.filter((id) => !first.includes(id))]));
    } finally {
      await harness.close();
    }
  });

  it('a shorter settledPageTtlSeconds shortens how long a backdated event can be missed', async () => {
    let clock = Date.now();
    const harness = await startHarness({ seed: 83, count: 150, cache: { settledPageTtlSeconds: 60 }, gateway: { now: () => clock } });
    try {
      const seen = await walkEvents(harness);
      const first = seen.map((e) => e.id);
      const late = insertLateEvents(harness, seen);
      clock += 61_000;
      const second = await walk(harness);
      expect(second.length).toBe(first.length + late.backdated + late.recent);
    } finally {
      await harness.close();
    }
  });
});

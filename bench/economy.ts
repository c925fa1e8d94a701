import { providerNamed } from '../src/datasources/providers';
import type { AllSimulators } from '../src/simulators/index';
import { WALK_QUERY, type BenchClient } from './bench-setup';
import type { GatewayProcess } from './gateway-handle';
import { round } from './stats';

/** The providers the bench has simulators of (each is also the id of its simulated source). */
type Simulated = 'logrocket' | 'zendesk' | 'losant' | 'nirvana';
const PROVIDERS: readonly Simulated[] = ['logrocket', 'zendesk', 'losant', 'nirvana'];

/** One full scan. */
export interface EconomyRow {
  /** A source id, or `merged` for all four in one timeline. */
  readonly timeline: string;
  readonly order: 'OLDEST_FIRST' | 'NEWEST_FIRST';
  readonly pageSize: number;
  readonly pages: number;
  readonly events: number;
  readonly upstreamRequests: number;
  /** Σ ceil(events of a source / its provider's largest native page). */
  readonly minimumRequests: number;
  readonly upstreamPer1000: number;
  readonly minimumPer1000: number;
  /** upstreamRequests / minimumRequests. */
  readonly ratio: number;
}

/**
 * Upstream requests per 1,000 events delivered for a full scan of each source and of the merged
 * timeline, in both orders, each on a freshly started gateway (empty page cache), against the
 * fewest native requests that could return the same events.
 */
export async function runEconomy(
  pageSize: number,
  sims: AllSimulators,
  gateways: GatewayProcess,
  client: BenchClient,
  log: (line: string) => void,
): Promise<EconomyRow[]> {
  const counts = Object.fromEntries(PROVIDERS.map((p) => [p, sims[p].records().length])) as Record<Simulated, number>;
  const minimumOf = (providers: readonly Simulated[]) =>
    providers.reduce((sum, p) => sum + Math.ceil(counts[p] / providerNamed(p).pageSize.default), 0);
  const rows: EconomyRow[] = [];
  const timelines: { name: string; providers: readonly Simulated[] }[] = [
    ...PROVIDERS.map((p) => ({ name: p, providers: [p] })),
    { name: 'merged', providers: PROVIDERS },
  ];
  for (const timeline of timelines) {
    for (const order of ['OLDEST_FIRST', 'NEWEST_FIRST'] as const) {
      await gateways.restart('cached');
      const expected = timeline.providers.reduce((sum, p) => sum + counts[p], 0);
      const seen = new Set<string>();
      let after: string | null = null;
      let pages = 0;
      // Short pages are legal (scan budget), but a walk may never need more pages than events.
      for (let more = true; more; pages++) {
        if (pages > expected + 10) throw new Error(`${timeline.name} ${order}: no end after ${pages} pages`);
        const page = await client.page(gateways.urls.cached!, WALK_QUERY, {
          sources: timeline.name === 'merged' ? undefined : [timeline.name],
          first: pageSize,
          after,
          order,
        });
        for (const edge of page.edges) seen.add(String(edge.node.nativeId));
        more = page.pageInfo.hasNextPage;
        after = page.pageInfo.endCursor;
      }
      if (seen.size !== expected)
        throw new Error(`${timeline.name} ${order}: delivered ${seen.size} distinct events, expected ${expected}`);
      const upstream = Object.values(await gateways.upstream('cached')).reduce((a, b) => a + b, 0);
      const minimum = minimumOf(timeline.providers);
      const row: EconomyRow = {
        timeline: timeline.name,
        order,
        pageSize,
        pages,
        events: seen.size,
        upstreamRequests: upstream,
        minimumRequests: minimum,
        upstreamPer1000: round((upstream * 1000) / seen.size, 2),
        minimumPer1000: round((minimum * 1000) / seen.size, 2),
        ratio: round(upstream / minimum, 2),
      };
      rows.push(row);
      log(`economy ${timeline.name} ${order}: ${upstream} upstream requests for ${seen.size} events (minimum ${minimum})`);
    }
  }
  for (const p of PROVIDERS) sims[p].resetRequests();
  return rows;
}

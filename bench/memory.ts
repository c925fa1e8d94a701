import { performance } from 'node:perf_hooks';
import { startLogRocketSimulator } from '../src/simulators/index';
import { BENCH_TUNING, benchConfig, WALK_QUERY, type BenchClient } from './bench-setup';
import { parseSources, type AppConfig, type SourceConfig } from '../src/config/config.schema';
import { startGatewayProcess } from './gateway-handle';

/** One paging run through a gateway process of its own. */
export interface MemoryRow {
  /** `default` (page cache on) or `no page cache`. */
  readonly variant: string;
  readonly events: number;
  readonly pages: number;
  readonly seconds: number;
  /** RSS after start-up and one warm-up page, MB. */
  readonly rssStartMb: number;
  /** Highest RSS sampled every 10 ms while paging, MB. */
  readonly peakRssMb: number;
  /** Heap used after a forced GC before paging (after the warm-up page) and at the end, MB. */
  readonly heapStartMb: number;
  readonly heapEndMb: number;
  readonly heapGrowthMb: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/**
 * Peak RSS of the gateway while a client pages through `count` LogRocket events, oldest first,
 * 100 at a time, and its heap after a forced GC at the end against the start. The simulator and
 * the client live in this process; the gateway in a child of its own, once with the default page
 * cache and once without, which tells what the cache keeps from what the rest would leak.
 */
export async function runMemory(count: number, entry: string, client: BenchClient, log: (line: string) => void): Promise<MemoryRow[]> {
  const started = performance.now();
  const sim = await startLogRocketSimulator({ count, seed: 11 });
  log(`memory: LogRocket simulator with ${count} events up in ${Math.round(performance.now() - started)} ms`);
  const rows: MemoryRow[] = [];
  try {
    for (const variant of [
      { name: 'default', pageCache: true },
      { name: 'no page cache', pageCache: false },
    ]) {
      const config = benchConfig(
        parseSources([
          {
            id: 'logrocket',
            provider: 'logrocket',
            baseUrl: sim.baseUrl,
            orgId: sim.orgId,
            appId: sim.appId,
            apiKey: sim.apiKey,
            ...BENCH_TUNING,
          },
        ]),
      );
      const gateway = await startGatewayProcess({ entry, config, gateways: [{ name: 'gw', pageCache: variant.pageCache }] });
      try {
        const url = gateway.urls.gw!;
        await client.page(url, WALK_QUERY, { first: 1, order: 'OLDEST_FIRST' });
        const start = await gateway.memory({ gc: true, resetPeak: true });
        const began = performance.now();
        let after: string | null = null;
        let events = 0;
        let pages = 0;
        for (let more = true; more; pages++) {
          if (pages > count + 10) throw new Error(`memory walk: no end after ${pages} pages`);
          const page = await client.page(url, WALK_QUERY, { first: 100, after, order: 'OLDEST_FIRST' });
          events += page.edges.length;
          more = page.pageInfo.hasNextPage;
          after = page.pageInfo.endCursor;
        }
        const seconds = (performance.now() - began) / 1000;
        const peak = await gateway.memory();
        const end = await gateway.memory({ gc: true });
        if (events !== count) throw new Error(`memory walk delivered ${events} events, expected ${count}`);
        const row: MemoryRow = {
          variant: variant.name,
          events,
          pages,
          seconds: Math.round(seconds * 10) / 10,
          rssStartMb: mb(start.rss),
          peakRssMb: mb(peak.peakRss),
          heapStartMb: mb(start.heapUsed),
          heapEndMb: mb(end.heapUsed),
          heapGrowthMb: mb(end.heapUsed - start.heapUsed),
        };
        rows.push(row);
        log(
          `memory ${variant.name}: peak RSS ${row.peakRssMb} MB, heap ${row.heapStartMb} → ${row.heapEndMb} MB after GC (${pages} pages in ${row.seconds} s)`,
        );
      } finally {
        await gateway.close();
      }
      sim.resetRequests();
    }
  } finally {
    await sim.close();
  }
  return rows;
}

/** Memory of a gateway process serving many pages that share nothing (distinct filters). */
export interface DistinctPagesRow {
  readonly pages: number;
  /** `cache.maxBytes` of the gateway, MB. */
  readonly cacheCapMb: number;
  /** RSS and heap after start-up, a warm-up page and a forced GC, MB. */
  readonly rssStartMb: number;
  readonly heapStartMb: number;
  /** Highest RSS sampled every 10 ms while serving them, MB. */
  readonly peakRssMb: number;
  /** RSS and heap after a forced GC at the end, MB. */
  readonly rssEndMb: number;
  readonly heapEndMb: number;
  readonly seconds: number;
}

const DISTINCT_QUERY = `query Distinct($sources: [String!], $after: DateTime) {
  auditEvents(sources: $sources, first: 20, order: OLDEST_FIRST, filter: { occurredAfter: $after }) {
    edges { node { nativeId occurredAt action actor { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * The abuse case of issue 15 as a measurement: `pages` first pages, each with a filter of its
 * own so that no two share a cache entry, over the four simulators, four at a time, against a
 * gateway process whose in-process cache is capped at `cacheCapMb`. Its RSS at the end, after a
 * forced GC, against its RSS at the start, is what such traffic costs the machine.
 */
export async function runDistinctPages(
  pages: number,
  cacheCapMb: number,
  sources: SourceConfig[],
  entry: string,
  client: BenchClient,
  log: (line: string) => void,
): Promise<DistinctPagesRow> {
  const config: AppConfig = { ...benchConfig(sources), cache: { maxBytes: cacheCapMb * MB } };
  const gateway = await startGatewayProcess({ entry, config, gateways: [{ name: 'gw', pageCache: true }] });
  try {
    const url = gateway.urls.gw!;
    const ids = sources.map((s) => s.id);
    const oldest = Date.parse('2000-01-01T00:00:00Z');
    const variables = (n: number) => ({ sources: [ids[n % ids.length]!], after: new Date(oldest + n * 1000).toISOString(), first: 20 });
    await client.page(url, DISTINCT_QUERY, variables(0) as never);
    const start = await gateway.memory({ gc: true, resetPeak: true });
    const began = performance.now();
    let next = 1;
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        while (next <= pages) await client.page(url, DISTINCT_QUERY, variables(next++) as never);
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    const peak = await gateway.memory();
    const end = await gateway.memory({ gc: true });
    const row: DistinctPagesRow = {
      pages,
      cacheCapMb,
      rssStartMb: mb(start.rss),
      heapStartMb: mb(start.heapUsed),
      peakRssMb: mb(peak.peakRss),
      rssEndMb: mb(end.rss),
      heapEndMb: mb(end.heapUsed),
      seconds: Math.round(seconds * 10) / 10,
    };
    log(
      `memory, ${pages} distinct pages, cache capped at ${cacheCapMb} MB: RSS ${row.rssStartMb} → ${row.rssEndMb} MB (peak ${row.peakRssMb}), heap ${row.heapStartMb} → ${row.heapEndMb} MB`,
    );
    return row;
  } finally {
    await gateway.close();
  }
}

import { performance } from 'node:perf_hooks';
import type { AllSimulators } from '../src/simulators/index';
import { nativeFirstPage, PAGE_QUERY, type BenchClient, type OverheadSource } from './bench-setup';
import type { GatewayProcess } from './gateway-handle';
import { round, summarize, type Summary } from './stats';

/** How long the overhead case runs. */
export interface OverheadPlan {
  readonly source: OverheadSource;
  readonly pageSizes: readonly number[];
  readonly latenciesMs: readonly number[];
  /** `first`: a walk's first page; `next`: its second page (the first one fetched untimed just before). */
  readonly positions: readonly PagePosition[];
  /** Untimed rounds first, then timed rounds, per latency. */
  readonly warmup: (latencyMs: number) => number;
  readonly iterations: (latencyMs: number) => number;
  /** Gateways to time against the direct call, by spec name. */
  readonly variants: readonly { readonly name: string; readonly gateway: string }[];
  /**
   * Rounds of each contender run back to back, one contender at a time, after the interleaved
   * ones (0: none). Shows what the same page costs a process that stays warm.
   */
  readonly backToBack: (latencyMs: number) => number;
}

/** The same page timed back to back instead of interleaved. */
export interface BackToBack {
  readonly rounds: number;
  readonly directMedianMs: number;
  readonly gatewayMedianMs: number;
  readonly addedMedianMs: number;
  readonly gatewayCpuMs: number;
}

/** Which page of a walk is timed. */
export type PagePosition = 'first' | 'next';

/** One gateway variant at one page size and latency, against the direct call. */
export interface OverheadRow {
  readonly source: string;
  readonly position: PagePosition;
  readonly pageSize: number;
  readonly latencyMs: number;
  readonly variant: string;
  readonly direct: Summary;
  readonly gateway: Summary;
  /** gateway − direct, medians and p99s. */
  readonly addedMedianMs: number;
  readonly addedP99Ms: number;
  /** gateway / direct, medians and p99s. */
  readonly ratioMedian: number;
  readonly ratioP99: number;
  /** Upstream requests the gateway made per timed page. */
  readonly upstreamPerPage: number;
  /**
   * CPU time of the gateway process per timed page (median, ms): what the gateway itself spends,
   * and far less sensitive than latency to other work on the machine.
   */
  readonly gatewayCpuMs: number;
  /** Present when the plan asks for back-to-back rounds at this latency. */
  readonly backToBack?: BackToBack;
}

interface Contender {
  readonly name: string;
  readonly samples: number[];
  /** One round: untimed preparation (the walk's first page, for `next`), then the timed page. */
  round(): Promise<number>;
  /** The same without asking the gateway process for its counters around it. */
  bareRound(): Promise<number>;
  /** Gateway spec name; absent for the direct call. */
  readonly gateway?: string;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Direct GET of the provider's first page vs the same page through each gateway variant, run
 * interleaved (the order rotates every round) so that drift and GC hit every contender alike.
 * Every timed gateway page belongs to a fresh walk, newest first: the page cache cannot serve a
 * walk's first page (open pages are walk-scoped), so it costs real upstream calls; the `next`
 * page resumes from what the walk's first page read ahead, as a client paging on would.
 */
export async function runOverhead(
  plan: OverheadPlan,
  sims: AllSimulators,
  gateways: GatewayProcess,
  client: BenchClient,
  log: (line: string) => void,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  const simulator = sims[plan.source];
  try {
    for (const latencyMs of plan.latenciesMs) {
      simulator.clearFaults();
      if (latencyMs > 0) simulator.injectFault({ latencyMs });
      for (const [position, size] of plan.positions.flatMap((p) => plan.pageSizes.map((n) => [p, n] as const))) {
        const first = nativeFirstPage(sims, plan.source, size);
        const variables = { sources: [plan.source], first: size };
        const check = (name: string, count: number) => {
          if (count !== size) throw new Error(`${name} page has ${count} records, not ${size}`);
        };
        const directContender: Contender = {
          name: 'direct',
          samples: [],
          async round() {
            let native = first;
            if (position === 'next') native = first.next(await client.getJson(first));
            return timed(async () => check('direct', native.count(await client.getJson(native))));
          },
          bareRound() {
            return this.round();
          },
        };
        const upstreamOfTimed = new Map<string, number>();
        const cpuOfTimed = new Map<string, number[]>();
        const sumOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
        const contenders: Contender[] = [
          directContender,
          ...plan.variants.map((variant): Contender => {
            const url = gateways.urls[variant.gateway]!;
            const prepare = async () => (position === 'next' ? (await client.page(url, PAGE_QUERY, variables)).pageInfo.endCursor : null);
            const timedPage = (after: string | null) =>
              timed(async () => check(variant.name, (await client.page(url, PAGE_QUERY, { ...variables, after })).edges.length));
            return {
              name: variant.name,
              gateway: variant.gateway,
              samples: [],
              async round() {
                const after = await prepare();
                await gateways.counters(variant.gateway, true);
                const ms = await timedPage(after);
                const counters = await gateways.counters(variant.gateway, true);
                upstreamOfTimed.set(variant.name, (upstreamOfTimed.get(variant.name) ?? 0) + sumOf(counters.upstream));
                cpuOfTimed.set(variant.name, [...(cpuOfTimed.get(variant.name) ?? []), ...counters.cpuMs]);
                return ms;
              },
              async bareRound() {
                return timedPage(await prepare());
              },
            };
          }),
        ];
        for (let i = 0; i < plan.warmup(latencyMs); i++) for (const c of contenders) await c.round();
        upstreamOfTimed.clear();
        cpuOfTimed.clear();
        const rounds = plan.iterations(latencyMs);
        for (let i = 0; i < rounds; i++) {
          for (let j = 0; j < contenders.length; j++) {
            const c = contenders[(i + j) % contenders.length]!;
            c.samples.push(await c.round());
          }
        }
        const upstreamInterleaved = new Map(upstreamOfTimed);
        // Interleaving makes every contender run with caches the others just used (a lightly loaded
        // gateway on a shared machine); back to back, each runs as a process under steady load does.
        const backToBackRounds = plan.backToBack(latencyMs);
        const warmSamples = new Map<string, number[]>();
        const warmCpu = new Map<string, number[]>();
        if (backToBackRounds > 0) {
          for (const c of contenders) {
            for (let i = 0; i < 10; i++) await c.bareRound();
            if (c.gateway) await gateways.counters(c.gateway, true);
            const samples: number[] = [];
            for (let i = 0; i < backToBackRounds; i++) samples.push(await c.bareRound());
            warmSamples.set(c.name, samples);
            if (c.gateway) {
              // For `next`, every round is two requests: the untimed first page, then the timed one.
              const { cpuMs } = await gateways.counters(c.gateway, true);
              warmCpu.set(c.name, position === 'next' ? cpuMs.filter((_, i) => i % 2 === 1) : cpuMs);
            }
          }
        }
        const direct = summarize(contenders[0]!.samples);
        for (const [index, variant] of plan.variants.entries()) {
          const gateway = summarize(contenders[index + 1]!.samples);
          const upstream = upstreamInterleaved.get(variant.name) ?? 0;
          const warmDirect = warmSamples.get('direct');
          const warmGateway = warmSamples.get(variant.name);
          const backToBack: BackToBack | undefined =
            warmDirect && warmGateway
              ? {
                  rounds: backToBackRounds,
                  directMedianMs: round(summarize(warmDirect).medianMs),
                  gatewayMedianMs: round(summarize(warmGateway).medianMs),
                  addedMedianMs: round(summarize(warmGateway).medianMs - summarize(warmDirect).medianMs),
                  gatewayCpuMs: round(summarize(warmCpu.get(variant.name) ?? []).medianMs),
                }
              : undefined;
          const row: OverheadRow = {
            source: plan.source,
            position,
            pageSize: size,
            latencyMs,
            variant: variant.name,
            direct,
            gateway,
            addedMedianMs: round(gateway.medianMs - direct.medianMs),
            addedP99Ms: round(gateway.p99Ms - direct.p99Ms),
            ratioMedian: round(gateway.medianMs / direct.medianMs),
            ratioP99: round(gateway.p99Ms / direct.p99Ms),
            upstreamPerPage: round(upstream / rounds, 2),
            gatewayCpuMs: round(summarize(cpuOfTimed.get(variant.name) ?? []).medianMs),
            ...(backToBack ? { backToBack } : {}),
          };
          rows.push(row);
          log(
            `overhead ${plan.source} ${position} page first:${size} latency ${latencyMs} ms ${variant.name}: direct ${direct.medianMs.toFixed(2)} ms, ` +
              `gateway ${gateway.medianMs.toFixed(2)} ms (+${row.addedMedianMs.toFixed(2)} ms, x${row.ratioMedian.toFixed(2)}), gateway CPU ${row.gatewayCpuMs.toFixed(2)} ms`,
          );
        }
      }
    }
  } finally {
    simulator.clearFaults();
    simulator.resetRequests();
  }
  return rows;
}

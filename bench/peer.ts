import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import type { AllSimulators } from '../src/simulators/index';
import type { RecordedRequest } from '../src/simulators/simulator.types';
import { BENCH_KEY, nativeFirstPage, type BenchClient, type NativeRequest, type OverheadSource } from './bench-setup';
import type { MeshPeer } from './mesh-peer';
import { round, summarize } from './stats';

/** auditgraph's page with every field, `raw` and `totalCount`: the heaviest answer a client can ask for. */
export const FULL_PAGE_QUERY = `query FullPage($sources: [String!], $first: Int!) {
  auditEvents(sources: $sources, first: $first) {
    edges {
      cursor
      node {
        id source { id name provider } nativeId occurredAt action description
        actor { id name email type } target { id type name } ipAddress userAgent
        request { method path statusCode } raw
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

/** Mesh's page of Nirvana audit logs with every field of its items and the pagination block. */
export const MESH_PAGE_QUERY = `query MeshPage($limit: PositiveInt) {
  nirvanaAuditLogs(limit: $limit) {
    items { id action actor { id name type } client_ip created_at method path status_code user_agent target { id type } }
    pagination { next_cursor previous_cursor total_count }
  }
}`;

/** How long the peer comparison runs. */
export interface PeerPlan {
  readonly pageSizes: readonly number[];
  readonly latenciesMs: readonly number[];
  readonly warmup: (latencyMs: number) => number;
  readonly iterations: (latencyMs: number) => number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Sources of the merged-timeline case (each must list newest first natively). */
  readonly mergedSources: readonly OverheadSource[];
}

/** One contender at one page size and latency. */
export interface PeerRow {
  readonly pageSize: number;
  readonly latencyMs: number;
  readonly contender: 'direct' | 'mesh' | 'auditgraph';
  readonly medianMs: number;
  readonly p99Ms: number;
  /** CPU (user + system) of the contender's process per sequential request, ms; absent for the direct call. */
  readonly cpuMsPerRequest?: number;
  /** Upstream requests per page. */
  readonly upstreamPerPage: number;
  /** Upstream round trips in series per page (median): only measurable with latency, so absent at 0 ms. */
  readonly upstreamInSeries?: number;
  readonly requestsPerSecond: number;
  /** CPU per request under the autocannon load, ms; absent for the direct call. */
  readonly loadCpuMsPerRequest?: number;
  /**
   * Upstream requests per answered request under the load: below the sequential figure where
   * identical concurrent requests shared one upstream call.
   */
  readonly loadUpstreamPerRequest: number;
  readonly loadFailures: number;
}

/** The merged timeline's first page against the slowest of its sources' direct first pages. */
export interface MergedRow {
  readonly pageSize: number;
  readonly latencyMs: number;
  readonly sources: readonly string[];
  readonly slowestDirectMedianMs: number;
  readonly mergedMedianMs: number;
  readonly mergedP99Ms: number;
  readonly ratio: number;
  readonly upstreamPerPage: number;
  readonly upstreamInSeries?: number;
}

/** What the peer comparison reports. */
export interface PeerReport {
  readonly rows: PeerRow[];
  readonly merged: MergedRow[];
}

const CLOCK_TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  } catch {
    return 10;
  }
})();

/** CPU time (user + system, ms) of a process and every process below it, from /proc. */
export function processTreeCpuMs(pid: number): number {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start at field 3, the state.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // A process that ended while being read is no one's.
    }
  }
  let ticks = 0;
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [id, stat] of stats) {
      if (!tree.has(id) && tree.has(stat.parent)) {
        tree.add(id);
        grew = true;
      }
    }
  }
  for (const id of tree) ticks += stats.get(id)?.ticks ?? 0;
  return ticks * CLOCK_TICK_MS;
}

/**
 * Round trips in series among the requests of one page: with `latencyMs` injected into every
 * upstream answer, a request that arrives more than half of it after the wave before it had to
 * wait for an answer first.
 */
export function roundTripsInSeries(requests: readonly RecordedRequest[], latencyMs: number): number {
  if (requests.length === 0) return 0;
  const times = requests.map((r) => r.receivedAtMs).sort((a, b) => a - b);
  let waves = 1;
  let waveStart = times[0]!;
  for (const t of times) {
    if (t - waveStart > latencyMs / 2) {
      waves += 1;
      waveStart = t;
    }
  }
  return waves;
}

interface Contender {
  readonly name: PeerRow['contender'];
  readonly pid?: number;
  call(): Promise<void>;
  readonly samples: number[];
  readonly upstream: number[];
  readonly series: number[];
  cpuMs: number;
  /** autocannon's target. */
  readonly load: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string };
}

const noGraphQLErrors = (body: string | Buffer | undefined): boolean => body !== undefined && !String(body).includes('"errors":');

async function postJson(client: BenchClient, url: string, body: string, headers: Record<string, string>): Promise<any> {
  const response = await request(url, { method: 'POST', headers, body, dispatcher: client.agent });
  const parsed = (await response.body.json()) as { errors?: unknown };
  if (response.statusCode !== 200 || parsed.errors)
    throw new Error(`${url} answered ${response.statusCode}: ${JSON.stringify(parsed).slice(0, 300)}`);
  return parsed;
}

/**
 * The same first page of Nirvana events, newest first, as a direct REST call, through GraphQL
 * Mesh and through auditgraph, interleaved (order rotating each round) in one run; then each
 * under autocannon at a fixed concurrency; then the merged timeline's first page against its
 * sources' direct calls.
 */
export async function runPeerComparison(
  plan: PeerPlan,
  sims: AllSimulators,
  mesh: MeshPeer,
  gateway: { url: string; pid: number },
  client: BenchClient,
  log: (line: string) => void,
): Promise<PeerReport> {
  const rows: PeerRow[] = [];
  const merged: MergedRow[] = [];
  const nirvana = sims.nirvana;
  const gatewayHeaders = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
  const meshHeaders = { 'content-type': 'application/json' };
  const everyMergedSim = plan.mergedSources.map((s) => sims[s]);
  try {
    for (const latencyMs of plan.latenciesMs) {
      for (const sim of [nirvana, ...everyMergedSim]) {
        sim.clearFaults();
        if (latencyMs > 0) sim.injectFault({ latencyMs });
      }
      for (const size of plan.pageSizes) {
        const native = nativeFirstPage(sims, 'nirvana', size);
        const expect = (name: string, count: number) => {
          if (count !== size) throw new Error(`${name} page has ${count} events, not ${size}`);
        };
        const gatewayBody = JSON.stringify({ query: FULL_PAGE_QUERY, variables: { sources: ['nirvana'], first: size } });
        const meshBody = JSON.stringify({ query: MESH_PAGE_QUERY, variables: { limit: size } });
        const make = (
          name: PeerRow['contender'],
          pid: number | undefined,
          call: () => Promise<void>,
          load: Contender['load'],
        ): Contender => ({
          name,
          pid,
          call,
          load,
          samples: [],
          upstream: [],
          series: [],
          cpuMs: 0,
        });
        const contenders = [
          make('direct', undefined, async () => expect('direct', native.count(await client.getJson(native))), {
            url: native.url,
            method: 'GET',
            headers: native.headers,
          }),
          make(
            'mesh',
            mesh.pid,
            async () => expect('mesh', (await postJson(client, mesh.url, meshBody, meshHeaders)).data.nirvanaAuditLogs.items.length),
            { url: mesh.url, method: 'POST', headers: meshHeaders, body: meshBody },
          ),
          make(
            'auditgraph',
            gateway.pid,
            async () =>
              expect('auditgraph', (await postJson(client, gateway.url, gatewayBody, gatewayHeaders)).data.auditEvents.edges.length),
            { url: gateway.url, method: 'POST', headers: gatewayHeaders, body: gatewayBody },
          ),
        ];
        const timeOne = async (c: Contender, timedRound: boolean) => {
          nirvana.resetRequests();
          const cpuBefore = c.pid === undefined ? 0 : processTreeCpuMs(c.pid);
          const started = performance.now();
          await c.call();
          const ms = performance.now() - started;
          if (!timedRound) return;
          if (c.pid !== undefined) c.cpuMs += processTreeCpuMs(c.pid) - cpuBefore;
          c.samples.push(ms);
          c.upstream.push(nirvana.requests.length);
          if (latencyMs > 0) c.series.push(roundTripsInSeries(nirvana.requests, latencyMs));
        };
        for (let i = 0; i < plan.warmup(latencyMs); i++) for (const c of contenders) await timeOne(c, false);
        const rounds = plan.iterations(latencyMs);
        for (let i = 0; i < rounds; i++)
          for (let j = 0; j < contenders.length; j++) await timeOne(contenders[(i + j) % contenders.length]!, true);
        for (const c of contenders) {
          const cpuBefore = c.pid === undefined ? 0 : processTreeCpuMs(c.pid);
          nirvana.resetRequests();
          const result = await autocannon({
            url: c.load.url,
            method: c.load.method,
            headers: c.load.headers,
            ...(c.load.body ? { body: c.load.body } : {}),
            connections: plan.connections,
            duration: plan.durationSeconds,
            ...(c.name === 'direct' ? {} : { verifyBody: noGraphQLErrors }),
            timeout: 10,
          });
          const cpu = c.pid === undefined ? undefined : (processTreeCpuMs(c.pid) - cpuBefore) / Math.max(1, result.requests.total);
          const sequential = summarize(c.samples);
          const row: PeerRow = {
            pageSize: size,
            latencyMs,
            contender: c.name,
            medianMs: round(sequential.medianMs),
            p99Ms: round(sequential.p99Ms),
            ...(c.pid === undefined ? {} : { cpuMsPerRequest: round(c.cpuMs / c.samples.length) }),
            upstreamPerPage: round(c.upstream.reduce((a, b) => a + b, 0) / c.upstream.length, 2),
            ...(c.series.length > 0 ? { upstreamInSeries: summarize(c.series).medianMs } : {}),
            requestsPerSecond: Math.round(result.requests.total / result.duration),
            ...(cpu === undefined ? {} : { loadCpuMsPerRequest: round(cpu) }),
            loadUpstreamPerRequest: round(nirvana.requests.length / Math.max(1, result.requests.total), 2),
            loadFailures: result.errors + result.non2xx + result.mismatches,
          };
          rows.push(row);
          log(
            `peer nirvana first:${size} ${latencyMs} ms ${c.name}: median ${row.medianMs} ms, ${row.requestsPerSecond} req/s` +
              (row.cpuMsPerRequest === undefined ? '' : `, CPU ${row.cpuMsPerRequest} ms/request`) +
              `, upstream ${row.upstreamPerPage}/page`,
          );
        }

        // The merged timeline: its first page against the slowest of its sources' own first pages.
        if (plan.mergedSources.length > 1) {
          const directs: NativeRequest[] = plan.mergedSources.map((s) => nativeFirstPage(sims, s, size));
          const mergedBody = JSON.stringify({ query: FULL_PAGE_QUERY, variables: { sources: plan.mergedSources, first: size } });
          const slowest: number[] = [];
          const mergedSamples: number[] = [];
          const mergedUpstream: number[] = [];
          const mergedSeries: number[] = [];
          const roundMerged = async (timedRound: boolean) => {
            let worst = 0;
            for (const direct of directs) {
              const started = performance.now();
              await client.getJson(direct);
              worst = Math.max(worst, performance.now() - started);
            }
            for (const sim of everyMergedSim) sim.resetRequests();
            const started = performance.now();
            expect('merged', (await postJson(client, gateway.url, mergedBody, gatewayHeaders)).data.auditEvents.edges.length);
            const ms = performance.now() - started;
            if (!timedRound) return;
            slowest.push(worst);
            mergedSamples.push(ms);
            const requests = everyMergedSim.flatMap((sim) => sim.requests);
            mergedUpstream.push(requests.length);
            if (latencyMs > 0) mergedSeries.push(roundTripsInSeries(requests, latencyMs));
          };
          for (let i = 0; i < plan.warmup(latencyMs); i++) await roundMerged(false);
          for (let i = 0; i < rounds; i++) await roundMerged(true);
          const slow = summarize(slowest);
          const page = summarize(mergedSamples);
          const row: MergedRow = {
            pageSize: size,
            latencyMs,
            sources: plan.mergedSources,
            slowestDirectMedianMs: round(slow.medianMs),
            mergedMedianMs: round(page.medianMs),
            mergedP99Ms: round(page.p99Ms),
            ratio: round(page.medianMs / slow.medianMs),
            upstreamPerPage: round(mergedUpstream.reduce((a, b) => a + b, 0) / mergedUpstream.length, 2),
            ...(mergedSeries.length > 0 ? { upstreamInSeries: summarize(mergedSeries).medianMs } : {}),
          };
          merged.push(row);
          log(
            `peer merged ${plan.mergedSources.join('+')} first:${size} ${latencyMs} ms: ${row.mergedMedianMs} ms vs slowest direct ${row.slowestDirectMedianMs} ms (x${row.ratio})`,
          );
        }
      }
    }
  } finally {
    for (const sim of [nirvana, ...everyMergedSim]) {
      sim.clearFaults();
      sim.resetRequests();
    }
  }
  return { rows, merged };
}

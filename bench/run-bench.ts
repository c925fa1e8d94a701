/**
 * `npm run bench [-- --quick] [-- --only=overhead,throughput,economy,load,memory,live] [-- --source=zendesk]`
 * `npm run bench -- --profile[=no-cache]` (CPU profile of the gateway during the overhead case instead)
 *
 * Starts the provider simulators on loopback in this process and the gateway in a child process,
 * measures what the gateway adds over calling the providers directly, prints tables and writes
 * `bench/results.json`. See bench/README.md for what each figure means.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { simulatorSources } from '../src/simulators/demo-sources';
import { startAllSimulators, type AllSimulators } from '../src/simulators/index';
import { BENCH_KEY, BENCH_TUNING, benchConfig, BenchClient, OVERHEAD_SOURCES, type OverheadSource } from './bench-setup';
import { compileGatewayForBench } from './compile-gateway';
import { formatProfileSummary } from './cpu-profile-summary';
import { defaultConfigKey, defaultConfigOver } from './default-config';
import { runEconomy, type EconomyRow } from './economy';
import { startGatewayProcess, type GatewayProcess } from './gateway-handle';
import { LOAD_SOURCES, runLoad, type LoadReport } from './load';
import { runLive, type LiveReport } from './live';
import { runDistinctPages, runMemory, type MemoryRow } from './memory';
import { startMeshPeer } from './mesh-peer';
import { runOverhead, type OverheadRow } from './overhead';
import { FULL_PAGE_QUERY, runPeerComparison, type PeerReport } from './peer';
import { runProfile } from './profile';
import { textTable } from './stats';
import { runThroughput, type ThroughputRow } from './throughput';

const SECTIONS = ['peer', 'overhead', 'throughput', 'economy', 'load', 'memory', 'live'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  quick: boolean;
  /**
   * The gateway to profile instead of running the bench: `cached` (default config) or `uncached`,
   * on the overhead case; `peer`: the default gateway on the peer case (every field, raw and
   * totalCount; Nirvana pages of 20 and 100 and a merged page of 20).
   */
  profile: 'cached' | 'uncached' | 'peer' | undefined;
  only: Set<Section>;
  source: OverheadSource;
  out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    profile: undefined,
    only: new Set(SECTIONS),
    source: 'zendesk',
    out: resolve(__dirname, 'results.json'),
  };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2) as [string, string | undefined];
    if (name === '--quick') options.quick = true;
    else if (name === '--profile' && (value === undefined || value === 'no-cache' || value === 'peer'))
      options.profile = value === undefined ? 'cached' : value === 'peer' ? 'peer' : 'uncached';
    else if (name === '--only' && value) {
      const wanted = value.split(',');
      const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
      if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
      options.only = new Set(wanted as Section[]);
    } else if (name === '--source' && value) {
      if (!(OVERHEAD_SOURCES as readonly string[]).includes(value)) throw new Error(`--source: one of ${OVERHEAD_SOURCES.join(', ')}`);
      options.source = value as OverheadSource;
    } else if (name === '--out' && value) options.out = resolve(value);
    else throw new Error(`unknown argument ${arg}; see bench/README.md`);
  }
  return options;
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const log = (line: string) => process.stderr.write(`  ${line}\n`);

function overheadTable(rows: readonly OverheadRow[]): string {
  return textTable(
    [
      'page',
      'first',
      'latency',
      'variant',
      'direct med',
      'direct p99',
      'gw med',
      'gw p99',
      'added med',
      'added p99',
      'ratio med',
      'ratio p99',
      'upstream/page',
      'gw CPU ms',
    ],
    rows.map((r) => [
      r.position,
      r.pageSize,
      `${r.latencyMs} ms`,
      r.variant,
      fixed(r.direct.medianMs),
      fixed(r.direct.p99Ms),
      fixed(r.gateway.medianMs),
      fixed(r.gateway.p99Ms),
      fixed(r.addedMedianMs),
      fixed(r.addedP99Ms),
      fixed(r.ratioMedian),
      fixed(r.ratioP99),
      r.upstreamPerPage,
      fixed(r.gatewayCpuMs),
    ]),
  );
}

function backToBackTable(rows: readonly OverheadRow[]): string {
  return textTable(
    [
      'page',
      'first',
      'variant',
      'rounds',
      'direct med',
      'gw med',
      'added med',
      'gw CPU ms',
      'interleaved added med',
      'interleaved gw CPU ms',
    ],
    rows.flatMap((r) =>
      r.backToBack
        ? [
            [
              r.position,
              r.pageSize,
              r.variant,
              r.backToBack.rounds,
              fixed(r.backToBack.directMedianMs),
              fixed(r.backToBack.gatewayMedianMs),
              fixed(r.backToBack.addedMedianMs),
              fixed(r.backToBack.gatewayCpuMs),
              fixed(r.addedMedianMs),
              fixed(r.gatewayCpuMs),
            ],
          ]
        : [],
    ),
  );
}

function throughputTable(rows: readonly ThroughputRow[]): string {
  return textTable(
    ['case', 'first', 'connections', 'seconds', 'req/s', 'p50 ms', 'p99 ms', 'failures', 'upstream requests'],
    rows.map((r) => [
      r.case,
      r.pageSize,
      r.connections,
      r.durationSeconds,
      r.requestsPerSecond,
      r.latencyMedianMs,
      r.latencyP99Ms,
      r.failures,
      r.upstreamRequests,
    ]),
  );
}

function economyTable(rows: readonly EconomyRow[]): string {
  return textTable(
    ['timeline', 'order', 'events', 'pages', 'upstream', 'minimum', 'upstream/1k', 'minimum/1k', 'ratio'],
    rows.map((r) => [
      r.timeline,
      r.order,
      r.events,
      r.pages,
      r.upstreamRequests,
      r.minimumRequests,
      fixed(r.upstreamPer1000),
      fixed(r.minimumPer1000),
      fixed(r.ratio),
    ]),
  );
}

function loadTable(rows: readonly (LoadReport & { config: string })[]): string {
  return textTable(
    [
      'config',
      'clients',
      'seconds',
      'requests',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'walks',
      'wrong walks',
      'events',
      'node lookups',
      'hang-ups',
    ],
    rows.map((r) => [
      r.config,
      r.clients,
      r.seconds,
      r.requests,
      r.requestsPerSecond,
      r.p50Ms,
      r.p99Ms,
      Object.entries(r.errors)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ') || '0',
      r.walksCompleted,
      r.walksWrong,
      r.eventsRead,
      r.nodeLookups,
      r.hangUps,
    ]),
  );
}

function memoryTable(rows: readonly MemoryRow[]): string {
  return textTable(
    ['variant', 'events', 'pages', 'seconds', 'RSS start MB', 'peak RSS MB', 'heap start MB', 'heap end MB', 'heap growth MB'],
    rows.map((r) => [r.variant, r.events, r.pages, r.seconds, r.rssStartMb, r.peakRssMb, r.heapStartMb, r.heapEndMb, r.heapGrowthMb]),
  );
}

function peerTables(report: PeerReport): string[] {
  const main = textTable(
    [
      'page',
      'latency',
      'contender',
      'seq med',
      'seq p99',
      'CPU ms/req',
      'upstream/page',
      'in series',
      'req/s @conc',
      'CPU ms/req @conc',
      'upstream/req @conc',
      'failures',
    ],
    report.rows.map((r) => [
      r.pageSize,
      `${r.latencyMs} ms`,
      r.contender,
      fixed(r.medianMs),
      fixed(r.p99Ms),
      r.cpuMsPerRequest === undefined ? '-' : fixed(r.cpuMsPerRequest),
      r.upstreamPerPage,
      r.upstreamInSeries ?? '-',
      r.requestsPerSecond,
      r.loadCpuMsPerRequest === undefined ? '-' : fixed(r.loadCpuMsPerRequest),
      r.loadUpstreamPerRequest,
      r.loadFailures,
    ]),
  );
  const cases = [...new Set(report.rows.map((r) => `${r.pageSize}/${r.latencyMs}`))];
  const of = (key: string, contender: string) =>
    report.rows.find((r) => `${r.pageSize}/${r.latencyMs}` === key && r.contender === contender)!;
  const ratios = textTable(
    [
      'page',
      'latency',
      'med ag/mesh',
      'p99 ag/mesh',
      'med ag/direct',
      'req/s ag/mesh',
      'req/s ag/direct',
      'CPU ag/mesh',
      'CPU @conc ag/mesh',
    ],
    cases.map((key) => {
      const [ag, mesh, direct] = [of(key, 'auditgraph'), of(key, 'mesh'), of(key, 'direct')];
      return [
        ag.pageSize,
        `${ag.latencyMs} ms`,
        fixed(ag.medianMs / mesh.medianMs),
        fixed(ag.p99Ms / mesh.p99Ms),
        fixed(ag.medianMs / direct.medianMs),
        fixed(ag.requestsPerSecond / mesh.requestsPerSecond),
        fixed(ag.requestsPerSecond / direct.requestsPerSecond),
        fixed(ag.cpuMsPerRequest! / mesh.cpuMsPerRequest!),
        fixed(ag.loadCpuMsPerRequest! / mesh.loadCpuMsPerRequest!),
      ];
    }),
  );
  const merged = textTable(
    ['page', 'latency', 'sources', 'slowest direct med', 'merged med', 'merged p99', 'ratio', 'upstream/page', 'in series'],
    report.merged.map((r) => [
      r.pageSize,
      `${r.latencyMs} ms`,
      r.sources.join('+'),
      fixed(r.slowestDirectMedianMs),
      fixed(r.mergedMedianMs),
      fixed(r.mergedP99Ms),
      fixed(r.ratio),
      r.upstreamPerPage,
      r.upstreamInSeries ?? '-',
    ]),
  );
  return [
    main,
    '',
    'Ratios (ag = auditgraph; below 1 is faster or cheaper, above 1 for req/s is more)',
    ratios,
    '',
    ...peerAims(report),
    '',
    "Merged timeline, first page, against the slowest of its sources' direct first pages (ms)",
    merged,
  ];
}

/** Issue 12's aims, judged on this run. */
function peerAims(report: PeerReport): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean, text: string) => lines.push(`${ok ? 'met    ' : 'MISSED '} ${text}`);
  const of = (size: number, latency: number, contender: string) =>
    report.rows.find((r) => r.pageSize === size && r.latencyMs === latency && r.contender === contender);
  for (const size of [...new Set(report.rows.map((r) => r.pageSize))]) {
    const ag = of(size, 0, 'auditgraph');
    const mesh = of(size, 0, 'mesh');
    if (ag && mesh) {
      verdict(
        ag.requestsPerSecond >= 2 * mesh.requestsPerSecond,
        `first: ${size}, 0 ms: req/s ${ag.requestsPerSecond} vs Mesh ${mesh.requestsPerSecond} (aim at least 2x; auditgraph made ${ag.loadUpstreamPerRequest} upstream calls a request, identical concurrent reads shared)`,
      );
    }
    const slow = report.rows.find((r) => r.pageSize === size && r.latencyMs > 0 && r.contender === 'auditgraph');
    if (slow) {
      const limit = size < 100 ? 1 : 2;
      verdict(
        (slow.upstreamInSeries ?? Infinity) <= limit && slow.upstreamPerPage <= limit,
        `first: ${size}: ${slow.upstreamPerPage} upstream requests, ${slow.upstreamInSeries} in series (aim at most ${limit})`,
      );
      const meshSlow = of(size, slow.latencyMs, 'mesh');
      if (meshSlow && slow.upstreamInSeries === 1)
        verdict(
          slow.medianMs <= meshSlow.medianMs,
          `first: ${size}, ${slow.latencyMs} ms: median ${fixed(slow.medianMs)} vs Mesh ${fixed(meshSlow.medianMs)} ms (aim at or below)`,
        );
    }
  }
  for (const row of report.merged.filter((r) => r.latencyMs > 0)) {
    verdict(
      row.ratio <= 1.2,
      `merged first: ${row.pageSize}, ${row.latencyMs} ms: x${fixed(row.ratio)} the slowest source's direct call (aim at most 1.2x)`,
    );
  }
  return lines;
}

/** The issue's aims, judged on the default gateway and a walk's first page. */
function liveTables(report: LiveReport): string[] {
  return [
    textTable(
      ['poll interval', 'subscribers', 'window s', 'upstream calls', 'calls/min'],
      report.calls.map((r) => [`${r.pollIntervalMs} ms`, r.subscribers, r.seconds, r.calls, r.callsPerMinute]),
    ),
    '',
    textTable(
      ['poll interval', 'inserts', 'delay med ms', 'delay p99 ms', 'delay max ms'],
      report.delay.map((r) => [`${r.pollIntervalMs} ms`, r.samples, r.medianMs, r.p99Ms, r.maxMs]),
    ),
    '',
    `Idle subscriptions: ${report.memory.subscriptions} hold ${report.memory.heapGrowthMb} MB of heap (${report.memory.kbPerSubscription} KB each), ${report.memory.rssGrowthMb} MB of RSS`,
  ];
}

function targets(rows: readonly OverheadRow[]): string[] {
  const find = (size: number, latency: number) =>
    rows.find((r) => r.variant === 'gateway' && r.position === 'first' && r.pageSize === size && r.latencyMs === latency);
  const lines: string[] = [];
  const check = (label: string, row: OverheadRow | undefined, value: (r: OverheadRow) => number, limit: number, unit: string) => {
    if (!row) return;
    const v = value(row);
    lines.push(`${v < limit ? 'met    ' : 'MISSED '} ${label}: ${fixed(v)}${unit} (aim < ${limit}${unit})`);
  };
  check('0 ms upstream, first: 20, added median', find(20, 0), (r) => r.addedMedianMs, 1, ' ms');
  check('0 ms upstream, first: 100, added median', find(100, 0), (r) => r.addedMedianMs, 3, ' ms');
  check('20 ms upstream, first: 20, ratio of medians', find(20, 20), (r) => r.ratioMedian, 1.1, '');
  check('20 ms upstream, first: 100, ratio of medians', find(100, 20), (r) => r.ratioMedian, 1.1, '');
  return lines;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { quick } = options;
  // The bench must end by itself whatever happens; the gateway process leaves with its parent.
  const watchdog = setTimeout(
    () => {
      process.stderr.write('bench: time limit reached, giving up\n');
      process.exit(2);
    },
    (quick ? 5 : 20) * 60_000,
  );
  watchdog.unref();

  const count = quick ? 600 : 3000;
  const began = Date.now();
  process.stderr.write(
    `auditgraph bench (${quick ? 'quick' : 'full'}${options.profile ? `, profile of the ${options.profile} gateway` : ''}) on ${cpus().length} cores, Node ${process.version}\n`,
  );
  const client = new BenchClient();
  let sims: AllSimulators | undefined;
  let gateways: GatewayProcess | undefined;
  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    settings: { simulatorEventsPerSource: count, overheadSource: options.source },
  };
  const output: string[] = [];
  try {
    const entry = compileGatewayForBench(resolve(__dirname, '..'));
    sims = await startAllSimulators({ seed: 7, count, zendeskRateLimitPerMinute: 1_000_000_000 });
    const needsGateway =
      options.profile !== undefined || [...options.only].some((s) => s === 'overhead' || s === 'throughput' || s === 'economy');
    if (needsGateway) {
      gateways = await startGatewayProcess({
        entry,
        config: benchConfig(simulatorSources(sims, BENCH_TUNING)),
        gateways: [
          // A profile shows the gateway's own work, without the bench's probes.
          { name: 'cached', pageCache: true, probes: !options.profile },
          { name: 'uncached', pageCache: false, probes: !options.profile },
        ],
      });
    }

    if (options.profile) {
      const directory = join(tmpdir(), 'auditgraph-bench-profiles');
      const peer = options.profile === 'peer';
      const workload = peer
        ? {
            query: FULL_PAGE_QUERY,
            variables: [
              { sources: ['nirvana'], first: 20 },
              { sources: ['nirvana'], first: 100 },
              { sources: ['zendesk', 'nirvana', 'losant'], first: 20 },
            ],
          }
        : undefined;
      const profile = await runProfile(
        options.source,
        quick ? 1000 : 6000,
        gateways!,
        peer ? 'cached' : options.profile,
        client,
        directory,
        resolve(__dirname, '..'),
        workload,
      );
      process.stdout.write(
        `\nCPU profile of the ${options.profile} gateway (overhead case, ${options.source}, 0 ms upstream, ${profile.pages} pages): ${profile.file}\n`,
      );
      process.stdout.write(`${formatProfileSummary(profile.summary)}\n`);
      return;
    }

    if (options.only.has('peer')) {
      log(`section peer starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const report = await peerSection(entry, sims, client, quick);
      results.peer = report;
      output.push(
        `Peer: GraphQL Mesh (OpenAPI, Hive Gateway) next to the direct call and auditgraph's default gateway; Nirvana, first page newest first, every field (auditgraph also raw and totalCount); sequential interleaved, then autocannon at 16 connections (ms)`,
        ...peerTables(report),
        '',
      );
    }
    if (options.only.has('overhead')) {
      log(`section overhead starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const rows = await runOverhead(
        {
          source: options.source,
          pageSizes: [20, 100],
          latenciesMs: [0, 20],
          positions: ['first', 'next'],
          warmup: (latency) => (latency === 0 ? (quick ? 20 : 100) : quick ? 5 : 10),
          iterations: (latency) => (latency === 0 ? (quick ? 100 : 600) : quick ? 25 : 120),
          variants: [
            { name: 'gateway', gateway: 'cached' },
            { name: 'gateway, no page cache', gateway: 'uncached' },
          ],
          backToBack: (latency) => (latency === 0 ? (quick ? 50 : 300) : 0),
        },
        sims,
        gateways!,
        client,
        log,
      );
      results.overhead = rows;
      results.targets = targets(rows);
      output.push(
        `Overhead: ${options.source}, newest first, a fresh walk per timed page (ms)`,
        overheadTable(rows),
        '',
        ...targets(rows),
        '',
      );
      output.push(
        'The same pages back to back (each contender alone, as under steady load), 0 ms upstream (ms)',
        backToBackTable(rows),
        '',
      );
    }
    if (options.only.has('throughput')) {
      log(`section throughput starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const rows = await runThroughput(
        { source: options.source, pageSize: 20, connections: 10, durationSeconds: quick ? 3 : 10 },
        gateways!,
        client,
        log,
      );
      results.throughput = rows;
      output.push(`Throughput: autocannon, ${options.source}, first page oldest first, 0 ms upstream`, throughputTable(rows), '');
    }
    if (options.only.has('economy')) {
      log(`section economy starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const rows = await runEconomy(100, sims, gateways!, client, log);
      results.economy = rows;
      output.push(
        `Upstream economy: full scans with first: 100, ${count} events per source, fresh gateway per scan`,
        economyTable(rows),
        '',
      );
    }
    if (gateways) {
      await gateways.close();
      gateways = undefined;
    }
    if (options.only.has('load')) {
      log(`section load starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const rows = await loadDefaultAndTuned(entry, sims, count, quick);
      results.load = rows;
      output.push(
        `Load: ${rows[0].clients} clients, providers 20 ms away, walks of single sources and of the merged timeline, nodes lookups, hang-ups; default configuration next to the bench's tuned one`,
        loadTable(rows),
        '',
      );
    }
    if (options.only.has('memory')) {
      log(`section memory starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const events = quick ? 20_000 : 100_000;
      const rows = await runMemory(events, entry, client, log);
      results.memory = rows;
      output.push(`Memory: gateway process paging through ${events} LogRocket events, first: 100, oldest first`, memoryTable(rows), '');
      const distinct = await runDistinctPages(quick ? 1_000 : 5_000, 32, simulatorSources(sims, BENCH_TUNING), entry, client, log);
      results.memoryDistinctPages = distinct;
      output.push(
        `Memory: ${distinct.pages} first pages of 20 with distinct filters (no two share a cache entry), cache.maxBytes ${distinct.cacheCapMb} MB`,
        textTable(
          [
            'pages',
            'cache cap MB',
            'seconds',
            'RSS start MB',
            'peak RSS MB',
            'RSS end MB',
            'RSS growth MB',
            'heap start MB',
            'heap end MB',
          ],
          [
            [
              distinct.pages,
              distinct.cacheCapMb,
              distinct.seconds,
              distinct.rssStartMb,
              distinct.peakRssMb,
              distinct.rssEndMb,
              Math.round((distinct.rssEndMb - distinct.rssStartMb) * 10) / 10,
              distinct.heapStartMb,
              distinct.heapEndMb,
            ],
          ],
        ),
        '',
      );
    }
    if (options.only.has('live')) {
      log(`section live starts at ${Math.round((Date.now() - began) / 1000)} s`);
      const report = await runLive(sims, entry, benchConfig(simulatorSources(sims, BENCH_TUNING)), quick, log);
      results.live = report;
      output.push(
        'Live tail: one Nirvana source, subscribers over graphql-ws (25 a socket); default poll interval next to a short one',
        ...liveTables(report),
        '',
      );
    }
    results.seconds = Math.round((Date.now() - began) / 1000);
    process.stdout.write(`\n${output.join('\n')}\nTotal ${results.seconds as number} s. Results: ${options.out}\n`);
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await gateways?.close();
    await sims?.close();
    await client.close();
    clearTimeout(watchdog);
  }
}

/** GraphQL Mesh and auditgraph's default gateway, each in a process of its own, over the same simulators. */
async function peerSection(entry: string, sims: AllSimulators, client: BenchClient, quick: boolean): Promise<PeerReport> {
  const mesh = await startMeshPeer(sims, log);
  try {
    const gateway = await startGatewayProcess({
      entry,
      config: benchConfig(simulatorSources(sims, BENCH_TUNING)),
      gateways: [{ name: 'default', pageCache: true, probes: false }],
    });
    try {
      return await runPeerComparison(
        {
          pageSizes: [20, 100],
          latenciesMs: [0, 20],
          warmup: (latency) => (latency === 0 ? (quick ? 10 : 100) : quick ? 3 : 10),
          iterations: (latency) => (latency === 0 ? (quick ? 40 : 400) : quick ? 10 : 100),
          connections: 16,
          durationSeconds: quick ? 1 : 5,
          mergedSources: ['zendesk', 'nirvana', 'losant'],
        },
        sims,
        mesh,
        { url: gateway.urls.default!, pid: gateway.pid },
        client,
        log,
      );
    } finally {
      await gateway.close();
    }
  } finally {
    await mesh.close();
  }
}

/**
 * The same mixed load against a gateway with the default configuration (what an operator gets
 * from a config file naming only the sources) and against the bench's tuned one, in one run.
 */
async function loadDefaultAndTuned(
  entry: string,
  sims: AllSimulators,
  count: number,
  quick: boolean,
): Promise<(LoadReport & { config: string })[]> {
  const clients = quick ? 16 : 32;
  // Four clients a tenant, paging back to back: a shared gateway's traffic, within the default budgets.
  const tenants = clients / 4;
  const configs = [
    { name: 'default', config: defaultConfigOver(sims, tenants), keys: Array.from({ length: tenants }, (_, n) => defaultConfigKey(n)) },
    { name: 'tuned', config: benchConfig(simulatorSources(sims, BENCH_TUNING)), keys: [BENCH_KEY] },
  ];
  const rows: (LoadReport & { config: string })[] = [];
  for (const id of LOAD_SOURCES) sims[id].injectFault({ latencyMs: 20 });
  try {
    for (const { name, config, keys } of configs) {
      const process = await startGatewayProcess({ entry, config, gateways: [{ name: 'load', pageCache: true }] });
      try {
        log(`load: ${name} configuration`);
        const report = await runLoad({
          url: process.urls.load,
          keys,
          clients,
          durationMs: quick ? 5_000 : 30_000,
          eventsPerSource: count,
          seed: 11,
          log,
        });
        rows.push({ config: name, ...report });
      } finally {
        await process.close();
      }
    }
  } finally {
    for (const id of LOAD_SOURCES) sims[id].clearFaults();
  }
  return rows;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

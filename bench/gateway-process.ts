/**
 * The gateway under test, in a process of its own so that its CPU, RSS and heap are its own and
 * not the simulators' or the load generator's. Started by {@link startGatewayProcess} in
 * `gateway-handle.ts`; it talks to its parent over IPC only and exits when told to or when the
 * parent goes away.
 */
// As `npm start` runs it (src/main.ts imports this first).
import '../src/production-mode';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AppConfig } from '../src/config/config.schema';
import { createGateway, type Gateway } from '../src/gateway';
import { bufferedDestination, createLogger } from '../src/logging/logger';
import type { ChildReply, ChildRequest, GatewaySpec, MemorySample } from './gateway-protocol';

const RSS_SAMPLE_MS = 10;

interface Running {
  readonly spec: GatewaySpec;
  gateway: Gateway;
  url: string;
  /** Upstream attempts by source id since the last reset. */
  upstream: Record<string, number>;
  /** CPU ms of each `/graphql` request since the last reset. */
  cpuMs: number[];
}

const running = new Map<string, Running>();
// What `npm start` logs, at its default level, written where it costs no disk: log lines are part
// of a request's cost in production.
const logger = createLogger({ level: 'info', destination: bufferedDestination('/dev/null') });
let config: AppConfig | undefined;
let peakRss = process.memoryUsage().rss;

// Sampled on a timer so that a peak between two IPC questions is not missed.
// rss() alone is cheap; the full memoryUsage() walks the heap spaces and would show in profiles.
let sampler: NodeJS.Timeout | undefined;
function sampleRss(): void {
  sampler ??= setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }, RSS_SAMPLE_MS).unref();
}

async function start(spec: GatewaySpec): Promise<Running> {
  if (!config) throw new Error('init first');
  const entry: Running = { spec, gateway: undefined as unknown as Gateway, url: '', upstream: {}, cpuMs: [] };
  entry.gateway = await createGateway(
    { ...config, server: { ...config.server, port: spec.port ?? 0 } },
    {
      logger,
      pageCache: spec.pageCache ? undefined : false,
      onUpstreamAttempt: ({ sourceId }) => {
        entry.upstream[sourceId] = (entry.upstream[sourceId] ?? 0) + 1;
      },
    },
  );
  if (spec.probes !== false) {
    sampleRss();
    addCpuClock(entry);
  }
  entry.url = await entry.gateway.listen();
  running.set(spec.name, entry);
  return entry;
}

/**
 * The process's CPU clock from a request's arrival to its last byte: the request's own CPU when
 * requests come one at a time, as in the overhead case (waiting for upstream costs none).
 */
function addCpuClock(entry: Running): void {
  entry.gateway.server.prependListener('request', (req, res) => {
    if (!req.url?.startsWith('/graphql')) return;
    const started = process.cpuUsage();
    res.once('finish', () => {
      const { user, system } = process.cpuUsage(started);
      entry.cpuMs.push((user + system) / 1000);
    });
  });
}

function sample(): MemorySample {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  if (rss > peakRss) peakRss = rss;
  return { rss, heapUsed, heapTotal, external, arrayBuffers, peakRss };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the gateway process needs --expose-gc');
  // Twice: the first pass can leave weakly held and finalizable objects for the second.
  gc();
  gc();
}

let profiler: Session | undefined;

function post(session: Session, method: string, params: object = {}): Promise<any> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

async function handle(request: ChildRequest): Promise<ChildReply['result']> {
  switch (request.type) {
    case 'init': {
      config = request.config;
      const urls: Record<string, string> = {};
      for (const spec of request.gateways) urls[spec.name] = (await start(spec)).url;
      return { urls };
    }
    case 'restart': {
      const entry = running.get(request.name);
      if (!entry) throw new Error(`no gateway ${request.name}`);
      await entry.gateway.close();
      running.delete(request.name);
      // Same port, so the caller's URL stays valid; the new gateway starts with an empty cache.
      const port = Number(new URL(entry.url).port);
      return { url: (await start({ ...entry.spec, port })).url };
    }
    case 'counters': {
      const entry = running.get(request.name);
      if (!entry) throw new Error(`no gateway ${request.name}`);
      const counters = { upstream: { ...entry.upstream }, cpuMs: [...entry.cpuMs] };
      if (request.reset) {
        entry.upstream = {};
        entry.cpuMs = [];
      }
      return counters;
    }
    case 'memory':
      if (request.gc) collectGarbage();
      if (request.resetPeak) peakRss = process.memoryUsage().rss;
      return { memory: sample() };
    case 'profile-start':
      profiler = new Session();
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.setSamplingInterval', { interval: request.intervalUs });
      await post(profiler, 'Profiler.start');
      return {};
    case 'profile-stop': {
      if (!profiler) throw new Error('the profiler is not running');
      const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
      profiler.disconnect();
      profiler = undefined;
      writeFileSync(request.file, JSON.stringify(profile));
      return {};
    }
    case 'close':
      if (sampler) clearInterval(sampler);
      for (const entry of running.values()) await entry.gateway.close();
      running.clear();
      return {};
  }
}

process.on('message', (message: ChildRequest) => {
  handle(message).then(
    (result) => {
      process.send?.({ id: message.id, result } satisfies ChildReply, () => {
        if (message.type === 'close') process.disconnect();
      });
    },
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies ChildReply),
  );
});
// An orphaned gateway would keep its port and its CPU: leave with the parent.
process.on('disconnect', () => process.exit(0));

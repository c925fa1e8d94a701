import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULT_LIVE, type AppConfig } from '../src/config/config.schema';
import type { AllSimulators } from '../src/simulators/index';
import { BENCH_KEY } from './bench-setup';
import { startGatewayProcess } from './gateway-handle';
import { round, summarize } from './stats';

/** Upstream calls a minute of one source's live tail, for a number of subscribers. */
export interface LiveCallsRow {
  readonly pollIntervalMs: number;
  readonly subscribers: number;
  readonly seconds: number;
  readonly calls: number;
  readonly callsPerMinute: number;
}

/** Delay from a simulator insert to its delivery to a subscriber. */
export interface LiveDelayRow {
  readonly pollIntervalMs: number;
  readonly samples: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What the gateway process holds per idle subscription. */
export interface LiveMemoryRow {
  readonly subscriptions: number;
  readonly heapGrowthMb: number;
  readonly rssGrowthMb: number;
  readonly kbPerSubscription: number;
}

/** The whole live section. */
export interface LiveReport {
  readonly calls: LiveCallsRow[];
  readonly delay: LiveDelayRow[];
  readonly memory: LiveMemoryRow;
}

const SOURCE = 'nirvana';
const QUERY = `subscription { auditEventAdded(sources: ["${SOURCE}"]) { cursor node { nativeId occurredAt } } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

/** `count` subscriptions over as few sockets as the per-connection cap allows; each message is passed on. */
async function openSubscriptions(url: string, count: number, onEvent: (nativeId: string) => void): Promise<Client[]> {
  const perSocket = DEFAULT_LIVE.maxSubscriptionsPerConnection;
  const clients: Client[] = [];
  let started = 0;
  for (let opened = 0; opened < count; opened += perSocket) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BENCH_KEY}` },
      retryAttempts: 0,
      lazy: false,
    });
    clients.push(client);
    for (let i = 0; i < Math.min(perSocket, count - opened); i += 1) {
      client.subscribe<{ auditEventAdded: { node: { nativeId: string } } }>(
        { query: QUERY },
        {
          next: (result) => {
            if (result.data) onEvent(result.data.auditEventAdded.node.nativeId);
          },
          error: (error) => {
            throw new Error(`live bench subscription failed: ${JSON.stringify(error)}`);
          },
          complete: () => undefined,
        },
      );
      started += 1;
    }
  }
  // The first poll marks where "new" begins; give every subscription time to be taken.
  await sleep(1_500);
  if (started !== count) throw new Error('not every subscription started');
  return clients;
}

/**
 * Live tail, measured on a gateway process of its own over the Nirvana simulator:
 * - upstream calls a minute with 1, 100 and 1,000 subscribers on one source (one poller serves
 *   them all, so the aim is the same figure for each), at the default poll interval in a full run;
 * - the delay from an insert to its delivery, at the default interval (full run) and a short one;
 * - heap and RSS per 1,000 idle subscriptions.
 * Subscribers beyond the default per-tenant cap (200) need it raised: the bench's tenant has 2,000.
 */
export async function runLive(
  sims: AllSimulators,
  entry: string,
  base: AppConfig,
  quick: boolean,
  log: (line: string) => void,
): Promise<LiveReport> {
  const intervals = quick ? [500] : [DEFAULT_LIVE.pollIntervalMs, 500];
  const calls: LiveCallsRow[] = [];
  const delay: LiveDelayRow[] = [];
  let memory: LiveMemoryRow | undefined;
  for (const pollIntervalMs of intervals) {
    const config: AppConfig = { ...base, live: { pollIntervalMs, maxSubscriptionsPerTenant: 2_000 } };
    const gateway = await startGatewayProcess({ entry, config, gateways: [{ name: 'live', pageCache: true }] });
    const url = gateway.urls.live!.replace(/^http/, 'ws');
    try {
      // Calls a minute, by subscribers.
      const window = quick ? 3 * pollIntervalMs : 6 * pollIntervalMs;
      for (const subscribers of [1, 100, 1_000]) {
        const clients = await openSubscriptions(url, subscribers, () => undefined);
        await gateway.counters('live', true);
        await sleep(window);
        const { upstream } = await gateway.counters('live', true);
        const made = upstream[SOURCE] ?? 0;
        calls.push({
          pollIntervalMs,
          subscribers,
          seconds: window / 1000,
          calls: made,
          callsPerMinute: round((made * 60_000) / window, 1),
        });
        log(`live: ${subscribers} subscribers, poll every ${pollIntervalMs} ms: ${made} calls in ${window / 1000} s`);
        if (subscribers === 1_000 && pollIntervalMs === intervals[intervals.length - 1]) {
          // Memory of the 1,000 idle subscriptions: close them and compare.
          const held = await gateway.memory({ gc: true });
          await Promise.all(clients.map((c) => c.dispose()));
          await sleep(500);
          const released = await gateway.memory({ gc: true });
          const heapGrowthMb = round((held.heapUsed - released.heapUsed) / MB, 1);
          memory = {
            subscriptions: 1_000,
            heapGrowthMb,
            rssGrowthMb: round((held.rss - released.rss) / MB, 1),
            kbPerSubscription: round((held.heapUsed - released.heapUsed) / 1_000 / 1024, 1),
          };
        } else {
          await Promise.all(clients.map((c) => c.dispose()));
        }
        await sleep(300);
      }

      // Delay from insert to delivery, inserts at random moments of the poll cycle.
      const arrived = new Map<string, number>();
      const clients = await openSubscriptions(url, 1, (nativeId) => arrived.set(nativeId, Date.now()));
      const samples: number[] = [];
      const rounds = quick ? 8 : pollIntervalMs >= 5_000 ? 12 : 40;
      for (let i = 0; i < rounds; i += 1) {
        await sleep(Math.random() * pollIntervalMs);
        const insertedAt = Date.now();
        const [record] = sims.nirvana.insert(1);
        const id = String((record as { id: unknown }).id);
        const until = Date.now() + pollIntervalMs * 4 + 5_000;
        while (!arrived.has(id) && Date.now() < until) await sleep(5);
        if (!arrived.has(id)) throw new Error(`live bench: event ${id} was not delivered`);
        samples.push(arrived.get(id)! - insertedAt);
      }
      await Promise.all(clients.map((c) => c.dispose()));
      const summary = summarize(samples);
      delay.push({
        pollIntervalMs,
        samples: samples.length,
        medianMs: round(summary.medianMs, 0),
        p99Ms: round(summary.p99Ms, 0),
        maxMs: round(Math.max(...samples), 0),
      });
      log(`live: delay at ${pollIntervalMs} ms polls: median ${round(summary.medianMs, 0)} ms over ${samples.length} inserts`);
    } finally {
      await gateway.close();
    }
  }
  return { calls, delay, memory: memory! };
}

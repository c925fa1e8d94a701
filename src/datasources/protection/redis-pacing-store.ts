import { createClient } from '@keyv/redis';
import type { Logger } from '../../logging/logger';
import { emptyPacingState, pacingStateTtlMs, type PacingState } from './pacing-policy';
import { MemoryPacingStore, type PacingChange, type PacingStore } from './pacing-store';

type RedisClient = ReturnType<typeof createClient>;

/** Options of {@link RedisPacingStore}. */
export interface RedisPacingStoreOptions {
  /** `redis://…` or `rediss://…`. */
  readonly url: string;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Longest wait for one Redis step before deciding in process, ms; default 250 (the cache store's). */
  readonly operationTimeoutMs?: number;
  /** How long to decide in process after Redis failed or was slow, ms; default 5000. */
  readonly fallbackMs?: number;
  /** Key prefix; default `auditgraph:outbound`. */
  readonly namespace?: string;
}

// Compare-and-set on the whole serialised state: a step computed from a stale read is redone.
const COMPARE_AND_SET = `local current = redis.call('GET', KEYS[1]) or ''
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return {1}
end
return {0, current}`;

const MAX_CONFLICTS = 8;

class StoreTimeout extends Error {}

function parseState(raw: string): PacingState {
  if (raw === '') return emptyPacingState();
  try {
    const value = JSON.parse(raw) as Partial<PacingState> | null;
    if (
      value &&
      typeof value.pauseUntil === 'number' &&
      typeof value.strikes === 'number' &&
      typeof value.caps === 'object' &&
      value.caps
    ) {
      return value as PacingState;
    }
  } catch {
    // An unreadable value is overwritten by the next change.
  }
  return emptyPacingState();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout(`outbound budget store took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Outbound budgets shared through Redis by every instance with the same `cache.url`. Steps on
 * one key run one at a time per process (no self-inflicted conflicts) and optimistically across
 * processes. A request never waits on a dead Redis: while it is not connected, failed, or took
 * longer than `operationTimeoutMs`, the in-process fallback decides (per instance, never off),
 * and keeps deciding for `fallbackMs` before Redis is tried again.
 */
export class RedisPacingStore implements PacingStore {
  private readonly client: RedisClient;
  private readonly local = new MemoryPacingStore();
  private readonly connected: Promise<unknown>;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private unusableUntil = 0;
  /** Until the first connection attempt succeeded or failed; node-redis keeps retrying after that. */
  private firstConnect = true;

  constructor(private readonly options: RedisPacingStoreOptions) {
    this.now = options.now ?? Date.now;
    this.client = createClient({
      url: options.url,
      socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) },
    });
    this.client.on('error', (error: unknown) => {
      this.firstConnect = false;
      options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbound budget store unavailable');
    });
    // Awaited only briefly on first use: until Redis answers, budgets are kept in process.
    this.connected = this.client.connect().catch(() => undefined);
  }

  update<T>(key: string, change: PacingChange<T>, options: { readonly mirror?: boolean } = {}): Promise<T> {
    const run = () => this.run(key, change, options.mirror ?? false);
    const step = (this.queues.get(key) ?? Promise.resolve()).then(run, run);
    const settled = step.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return step;
  }

  private async run<T>(key: string, change: PacingChange<T>, mirror: boolean): Promise<T> {
    const mirrored = mirror ? { result: this.local.apply(key, change) } : undefined;
    const fallback = () => (mirrored ? mirrored.result : this.local.apply(key, change));
    if (!(await this.usable())) return fallback();
    try {
      return await withTimeout(
        this.compareAndSet(`${this.options.namespace ?? 'auditgraph:outbound'}:${key}`, change),
        this.options.operationTimeoutMs ?? 250,
      );
    } catch (error) {
      this.unusableUntil = this.now() + (this.options.fallbackMs ?? 5_000);
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbound budgets kept in process for now');
      return fallback();
    }
  }

  private async usable(): Promise<boolean> {
    if (this.now() < this.unusableUntil) return false;
    if (!this.client.isReady && this.firstConnect) {
      await Promise.race([this.connected, new Promise((resolve) => setTimeout(resolve, 250).unref())]);
      this.firstConnect = false;
    }
    return this.client.isReady;
  }

  private async compareAndSet<T>(redisKey: string, change: PacingChange<T>): Promise<T> {
    let raw = (await this.client.get(redisKey)) ?? '';
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const { result, state } = change(parseState(raw));
      if (!state) return result;
      const reply = (await this.client.eval(COMPARE_AND_SET, {
        keys: [redisKey],
        arguments: [raw, JSON.stringify(state), String(pacingStateTtlMs(state, this.now()))],
      })) as [number, string?];
      if (reply[0] === 1) return result;
      raw = reply[1] ?? '';
    }
    throw new Error('outbound budget state kept changing under this instance');
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.client.isReady) await this.client.quit().catch(() => undefined);
    else await this.client.disconnect().catch(() => undefined);
  }
}

/** Options of {@link createPacingStore}. */
export interface PacingStoreOptions {
  /** `cache.url`: Redis shares budgets between instances; absent for in-process budgets. */
  readonly url?: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** The outbound budget store of a gateway: Redis when `cache.url` is set, else process memory. */
export function createPacingStore(options: PacingStoreOptions): PacingStore {
  return options.url ? new RedisPacingStore({ url: options.url, logger: options.logger, now: options.now }) : new MemoryPacingStore();
}

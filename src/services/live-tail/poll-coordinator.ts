import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { AuditEventRecord } from '../../domain/audit-event';
import type { ErrorCode } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { EventKey } from '../../paging/event-order';

type RedisClient = ReturnType<typeof createClient>;

/** What the instance polling a head tells the others after each poll. */
export interface HeadReport {
  /** Instance id of the sender; an instance ignores its own reports. */
  readonly from: string;
  /** The poller's newest event read, or null before it read any. */
  readonly head: EventKey | null;
  /** Where its next poll resumes after a spent scan budget, or null. */
  readonly resumeAfter: EventKey | null;
  /** Whether its first pass over the log (which marks what was there at the start) is through. */
  readonly primed?: boolean;
  /** The time key a pass over a worked-through burst starts from, and whether that pass is under way. */
  readonly sweep?: { readonly from: string; readonly running: boolean } | null;
  /** Every event it marked seen in this poll, told or not: `[timeKey, nativeId]`. */
  readonly marked: readonly (readonly [string, string])[];
  /** The events it told, oldest first. */
  readonly events: readonly AuditEventRecord[];
  /** The poll's failure, when it failed. */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

/**
 * Decides which instance polls a head, and carries what it found to the others. In one process
 * every poller polls; with Redis, one instance holds each head's lease and the rest follow its
 * reports, so upstream cost does not grow with instances either.
 */
export interface PollCoordinator {
  /** Whether this instance polls `key` now: true when it holds (or just took) the lease. */
  acquire(key: string, leaseMs: number): Promise<boolean>;
  /** Sends a report to the instances following `key`. */
  publish(key: string, report: Omit<HeadReport, 'from'>): void;
  /** Receives the other instances' reports on `key`; returns the function that stops it. */
  follow(key: string, onReport: (report: HeadReport) => void): () => void;
  /** Gives up the lease of `key` if this instance holds it. */
  release(key: string): void;
  close(): Promise<void>;
}

/** One process: it polls every head itself. */
export class LocalPollCoordinator implements PollCoordinator {
  async acquire(): Promise<boolean> {
    return true;
  }
  publish(): void {}
  follow(): () => void {
    return () => undefined;
  }
  release(): void {}
  async close(): Promise<void> {}
}

// Takes the lease when free, renews it when ours.
const ACQUIRE = `local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`live-tail lease store took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Options of {@link RedisPollCoordinator}. */
export interface RedisPollCoordinatorOptions {
  /** `cache.url`. */
  readonly url: string;
  readonly logger: Logger;
  /** Key and channel prefix; default `auditgraph:live`. */
  readonly namespace?: string;
  /** Longest wait for a lease step, ms; default 250. A slow or dead Redis means: poll here. */
  readonly operationTimeoutMs?: number;
}

/**
 * Leases in Redis (`SET … PX`, renewed on every poll by its holder) and reports over Redis
 * pub/sub. Whenever Redis cannot answer in time, an instance polls itself: cost may double for
 * a while, but no subscriber ever waits on a dead Redis.
 */
export class RedisPollCoordinator implements PollCoordinator {
  readonly instanceId = randomBytes(9).toString('base64url');
  private readonly client: RedisClient;
  private subscriber: RedisClient | undefined;
  private subscriberReady: Promise<RedisClient | undefined> | undefined;
  private readonly followers = new Map<string, Set<(report: HeadReport) => void>>();
  private readonly namespace: string;
  private readonly connected: Promise<unknown>;
  private closed = false;

  constructor(private readonly options: RedisPollCoordinatorOptions) {
    this.namespace = options.namespace ?? 'auditgraph:live';
    this.client = createClient({
      url: options.url,
      socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) },
    });
    this.client.on('error', (error: unknown) =>
      options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'live-tail lease store unavailable'),
    );
    this.connected = this.client.connect().catch(() => undefined);
  }

  private leaseKey(key: string): string {
    return `${this.namespace}:lease:${key}`;
  }

  private channel(key: string): string {
    return `${this.namespace}:news:${key}`;
  }

  async acquire(key: string, leaseMs: number): Promise<boolean> {
    try {
      await withTimeout(this.connected, this.options.operationTimeoutMs ?? 250);
      if (!this.client.isReady) return true;
      const reply = await withTimeout(
        this.client.eval(ACQUIRE, { keys: [this.leaseKey(key)], arguments: [this.instanceId, String(Math.max(1, Math.round(leaseMs)))] }),
        this.options.operationTimeoutMs ?? 250,
      );
      return reply === 1;
    } catch {
      return true;
    }
  }

  publish(key: string, report: Omit<HeadReport, 'from'>): void {
    if (!this.client.isReady) return;
    this.client.publish(this.channel(key), JSON.stringify({ ...report, from: this.instanceId })).catch((error: unknown) => {
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'live-tail report not published');
    });
  }

  follow(key: string, onReport: (report: HeadReport) => void): () => void {
    let listeners = this.followers.get(key);
    if (!listeners) {
      this.followers.set(key, (listeners = new Set()));
      const channel = this.channel(key);
      void this.subscriberClient().then((subscriber) =>
        subscriber
          ?.subscribe(channel, (message: string) => this.deliver(key, message))
          .catch((error: unknown) => {
            this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'live-tail reports not followed');
          }),
      );
    }
    listeners.add(onReport);
    return () => {
      const current = this.followers.get(key);
      if (!current?.delete(onReport) || current.size > 0) return;
      this.followers.delete(key);
      void this.subscriber?.unsubscribe(this.channel(key)).catch(() => undefined);
    };
  }

  release(key: string): void {
    if (!this.client.isReady) return;
    this.client.eval(RELEASE, { keys: [this.leaseKey(key)], arguments: [this.instanceId] }).catch(() => undefined);
  }

  private deliver(key: string, message: string): void {
    let report: HeadReport;
    try {
      report = JSON.parse(message) as HeadReport;
    } catch {
      return;
    }
    if (report.from === this.instanceId) return;
    for (const listener of [...(this.followers.get(key) ?? [])]) listener(report);
  }

  private subscriberClient(): Promise<RedisClient | undefined> {
    this.subscriberReady ??= (async () => {
      await this.connected;
      if (this.closed) return undefined;
      const subscriber = this.client.duplicate();
      subscriber.on('error', () => undefined);
      await subscriber.connect();
      this.subscriber = subscriber;
      return subscriber;
    })().catch((error: unknown) => {
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'live-tail reports not followed');
      this.subscriberReady = undefined;
      return undefined;
    });
    return this.subscriberReady;
  }

  async close(): Promise<void> {
    this.closed = true;
    const quit = async (client: RedisClient | undefined) => {
      if (!client) return;
      if (client.isReady) await client.quit().catch(() => undefined);
      else await client.disconnect().catch(() => undefined);
    };
    await this.subscriberReady?.catch(() => undefined);
    await quit(this.subscriber);
    await quit(this.client);
  }
}

/** The coordinator of a gateway: Redis when `cache.url` is set, else this process alone. */
export function createPollCoordinator(options: { readonly url?: string; readonly logger: Logger }): PollCoordinator {
  return options.url ? new RedisPollCoordinator({ url: options.url, logger: options.logger }) : new LocalPollCoordinator();
}

import type { AuditEventRecord } from '../../domain/audit-event';
import type { UpstreamCall } from '../../datasources/http-client';
import type { FilteredScanner } from '../../datasources/source-adapter';
import { AuditGraphError, isCancellation } from '../../errors';
import type { Logger } from '../../logging/logger';
import { compareKeys, keyOf, type EventKey } from '../../paging/event-order';
import { createScanBudget } from '../../paging/scan.types';
import { epochMsOfTimeKey, timeKeyFromEpochMs } from '../../paging/time-key';
import type { HeadReport, PollCoordinator } from './poll-coordinator';

/** What a poller tells its listeners. */
export type HeadNews =
  /** Events it had not seen before, oldest first. */
  | { readonly kind: 'events'; readonly events: readonly AuditEventRecord[] }
  /** The first failure of a run of failed polls; it keeps polling, with backoff. */
  | { readonly kind: 'error'; readonly error: AuditGraphError };

/** Receives a poller's news; called synchronously, so it must only queue. */
export type HeadListener = (news: HeadNews) => void;

/** Options of {@link HeadPoller}. */
export interface HeadPollerOptions {
  readonly sourceId: string;
  /** The source's scanner for the poller's filter, for one poll's call. */
  readonly scannerFor: (call: UpstreamCall) => FilteredScanner;
  /** The whole filter, applied to what the provider returns. */
  readonly matches: (event: AuditEventRecord) => boolean;
  readonly pollIntervalMs: number;
  /** How far behind the newest event each poll reads again, ms. */
  readonly reorderWindowMs: number;
  /** Native requests one poll may spend; a poll that runs out resumes where it stopped. Default 10. */
  readonly scanBudget?: number;
  /** Deadline of one poll's upstream calls, ms; default 30 000. */
  readonly callTimeoutMs?: number;
  /** Longest wait between failed polls, ms; default 60 000. */
  readonly maxBackoffMs?: number;
  readonly now: () => number;
  readonly logger: Logger;
  /** Called after every poll, with the native requests it made (metrics, tests). */
  readonly onPoll?: (outcome: 'ok' | 'error') => void;
  /** Called once the poller has stopped (its last listener left). */
  readonly onStop?: () => void;
  /**
   * Instances sharing `cache.url`: who polls this head, and its reports to the others. Default:
   * this process polls.
   */
  readonly coordination?: { readonly coordinator: PollCoordinator; readonly key: string };
}

const keyString = (key: EventKey): string => `${key.timeKey}\u0000${key.nativeId}`;

/**
 * Reads the head of one source's log for one filter, on a timer, and tells its listeners of
 * every matching event it had not seen, once. Each poll reads again from `reorderWindowMs`
 * before the newest event seen (never before the poller started, less the window), so an event
 * that shows up in the provider's log after newer ones is still told when it is at most that
 * much older; what it has told is remembered for as long as it lies within that window. The
 * first poll tells nothing: it marks where "new" begins. A poll that spends its scan budget
 * resumes right after the last event it read, so a burst is worked through page by page.
 */
export class HeadPoller {
  private readonly listeners = new Set<HeadListener>();
  /** Events told (or present at the start), by key, with their time keys for pruning. */
  private readonly seen = new Map<string, string>();
  private readonly floorKey: string;
  private readonly startedAt: number;
  private newest: EventKey | undefined;
  private resumeAfter: EventKey | undefined;
  /**
   * Where the lookback stood when a poll first ran out of budget: while a burst is worked through
   * forward, nothing behind the resume point is read, so once through, one more pass from here
   * tells what showed up behind it meanwhile.
   */
  private sweepFrom: string | undefined;
  /** The pass from `sweepFrom` is under way (or due, when `resumeAfter` is unset). */
  private sweeping = false;
  private primed = false;
  /** The first poll did not mark the start (it failed, or another instance polled). */
  private primingFailed = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private stopped = false;
  /** Whether the instance polling this head last reported a failure (this one follows it). */
  private followedFailing = false;
  private readonly unfollow: () => void;
  /** Settles once the first poll has been tried, whatever its outcome. */
  readonly ready: Promise<void>;

  constructor(private readonly options: HeadPollerOptions) {
    this.startedAt = options.now();
    this.floorKey = timeKeyFromEpochMs(Math.max(0, this.startedAt - options.reorderWindowMs));
    const coordination = options.coordination;
    this.unfollow = coordination ? coordination.coordinator.follow(coordination.key, (report) => this.adopt(report)) : () => undefined;
    this.ready = this.poll();
  }

  /** A lease outlives a few missed polls, so that a slow poll does not hand the head over. */
  private get leaseMs(): number {
    return Math.max(3 * this.options.pollIntervalMs, 2_000);
  }

  /**
   * The newest event this poller has read (matching or not), or, before it read any, a position
   * at its start: where a subscription that joins now begins.
   */
  head(): EventKey {
    return this.newest ?? { timeKey: timeKeyFromEpochMs(this.startedAt), sourceId: this.options.sourceId, nativeId: '' };
  }

  /** Adds a listener; the returned function removes it, and the last removal stops the poller. */
  listen(listener: HeadListener): () => void {
    this.listeners.add(listener);
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.stop();
    };
  }

  /** Stops polling at once: the timer is cleared and a poll in flight is cancelled. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.unfollow();
    if (this.options.coordination) this.options.coordination.coordinator.release(this.options.coordination.key);
    this.options.onStop?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay =
      this.failures === 0
        ? this.options.pollIntervalMs
        : Math.min(this.options.maxBackoffMs ?? 60_000, this.options.pollIntervalMs * 2 ** Math.min(this.failures, 16));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, delay);
    this.timer.unref?.();
  }

  private lowerBound(): string {
    if (this.newest === undefined) return this.floorKey;
    const newestMs = Math.min(epochMsOfTimeKey(this.newest.timeKey), this.options.now());
    const lower = timeKeyFromEpochMs(Math.max(0, newestMs - this.options.reorderWindowMs));
    return lower > this.floorKey ? lower : this.floorKey;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const abort = new AbortController();
    this.inFlight = abort;
    const call: UpstreamCall = { deadline: this.options.now() + (this.options.callTimeoutMs ?? 30_000), signal: abort.signal };
    const coordination = this.options.coordination;
    try {
      if (coordination && !(await coordination.coordinator.acquire(coordination.key, this.leaseMs))) {
        // Another instance polls this head: its reports arrive through `adopt`. Should this one
        // take over before any report came, events from its start on are news.
        this.failures = 0;
        if (!this.primed) this.primingFailed = true;
        return;
      }
      if (this.stopped) return;
      const { fresh, marked } = await this.read(call);
      if (this.stopped) return;
      this.failures = 0;
      this.options.onPoll?.('ok');
      coordination?.coordinator.publish(coordination.key, {
        head: this.newest ?? null,
        resumeAfter: this.resumeAfter ?? null,
        sweep: this.sweepFrom === undefined ? null : { from: this.sweepFrom, running: this.sweeping },
        primed: this.primed,
        marked,
        events: fresh,
      });
      if (fresh.length > 0) this.tell({ kind: 'events', events: fresh });
    } catch (error) {
      if (this.stopped || isCancellation(error)) return;
      this.options.onPoll?.('error');
      this.failures += 1;
      if (!this.primed) this.primingFailed = true;
      const typed =
        error instanceof AuditGraphError
          ? error.sourceId !== undefined
            ? error
            : new AuditGraphError(error.code, error.message, { source: this.options.sourceId, cause: error.internalCause })
          : new AuditGraphError('UPSTREAM_BAD_RESPONSE', `Reading the newest events of "${this.options.sourceId}" failed; retrying.`, {
              source: this.options.sourceId,
              cause: error,
            });
      if (!(error instanceof AuditGraphError))
        this.options.logger.error({ source: this.options.sourceId, err: error }, 'live tail poll failed');
      coordination?.coordinator.publish(coordination.key, {
        head: this.newest ?? null,
        resumeAfter: this.resumeAfter ?? null,
        sweep: this.sweepFrom === undefined ? null : { from: this.sweepFrom, running: this.sweeping },
        primed: this.primed,
        marked: [],
        events: [],
        error: { code: typed.code, message: typed.message },
      });
      if (this.failures === 1) this.tell({ kind: 'error', error: typed });
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
      this.schedule();
    }
  }

  /**
   * Takes over what the polling instance reported: the events it told that this one had not
   * seen are told here too, and its head, resume point and seen events become this poller's,
   * so that when this instance takes the lease over it goes on where the other stopped.
   */
  private adopt(report: HeadReport): void {
    if (this.stopped) return;
    if (report.error) {
      if (!this.followedFailing) {
        this.followedFailing = true;
        this.tell({
          kind: 'error',
          error: new AuditGraphError(report.error.code, report.error.message, { source: this.options.sourceId }),
        });
      }
      return;
    }
    this.followedFailing = false;
    const fresh = report.events.filter((event) => event.timeKey >= this.floorKey && !this.seen.has(keyString(keyOf(event))));
    for (const [timeKey, nativeId] of report.marked) {
      if (timeKey >= this.floorKey) this.seen.set(keyString({ timeKey, sourceId: this.options.sourceId, nativeId }), timeKey);
    }
    if (report.head && (!this.newest || compareKeys(report.head, this.newest) > 0)) this.newest = report.head;
    this.resumeAfter = report.resumeAfter ?? undefined;
    this.sweepFrom = report.sweep?.from;
    this.sweeping = report.sweep?.running ?? false;
    this.primed = report.primed ?? true;
    this.prune();
    if (fresh.length > 0) this.tell({ kind: 'events', events: fresh });
  }

  private prune(): void {
    // What lies before the next poll's lower bound (or a pending sweep's) is never read again: forget it.
    const lower = this.lowerBound();
    const next = this.sweepFrom !== undefined && this.sweepFrom < lower ? this.sweepFrom : lower;
    for (const [id, timeKey] of this.seen) if (timeKey < next) this.seen.delete(id);
  }

  /** One poll: the events not seen before, oldest first, and every event it marked seen. */
  private async read(call: UpstreamCall): Promise<{ fresh: AuditEventRecord[]; marked: [string, string][] }> {
    const { scanner, filtering } = this.options.scannerFor(call);
    const lower = this.sweeping && this.sweepFrom !== undefined ? this.sweepFrom : this.lowerBound();
    const scan = scanner.scan({
      direction: 'ASC',
      ...(this.resumeAfter ? { after: this.resumeAfter } : { lower }),
      want: 100,
      filtering,
      // No cursor hint: the page cache serves the open end of a log only to a cursor's replay, so
      // every poll reads the head afresh.
      budget: createScanBudget(this.options.scanBudget ?? 10),
    });
    // The first successful poll marks the start: what is there is not news. When the first
    // try failed, the subscribers have been waiting since the start, and events from then on are.
    const priming = !this.primed;
    const tellFrom = this.primingFailed ? timeKeyFromEpochMs(this.startedAt) : null;
    const fresh: AuditEventRecord[] = [];
    const marked: [string, string][] = [];
    let last: EventKey | undefined;
    let stoppedOnBudget = false;
    for await (const item of scan) {
      if (item.kind === 'budget') stoppedOnBudget = true;
      if (item.kind !== 'events') continue;
      for (const event of item.events) {
        const key = keyOf(event);
        last = key;
        if (event.timeKey < this.floorKey || !this.options.matches(event)) continue;
        const id = keyString(key);
        if (this.seen.has(id)) continue;
        this.seen.set(id, event.timeKey);
        marked.push([event.timeKey, event.nativeId]);
        if (!priming || (tellFrom !== null && event.timeKey >= tellFrom)) fresh.push(event);
      }
    }
    if (stoppedOnBudget) {
      if (this.sweepFrom === undefined && !this.resumeAfter) this.sweepFrom = lower;
      this.resumeAfter = last ?? this.resumeAfter;
    } else {
      // Through to the end: the start is marked, a burst is worked through, a sweep is done.
      this.primed = true;
      this.resumeAfter = undefined;
      if (this.sweeping) {
        this.sweeping = false;
        this.sweepFrom = undefined;
      } else if (this.sweepFrom !== undefined) this.sweeping = true;
    }
    if (last && (!this.newest || compareKeys(last, this.newest) > 0)) this.newest = last;
    this.prune();
    return { fresh, marked };
  }

  private tell(news: HeadNews): void {
    for (const listener of [...this.listeners]) listener(news);
  }
}

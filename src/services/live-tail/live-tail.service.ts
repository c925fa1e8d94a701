import type { LiveConfig } from '../../config/config.schema';
import type { AuditEventRecord, EventFilter } from '../../domain/audit-event';
import type { UpstreamCall } from '../../datasources/http-client';
import type { SourceAdapter } from '../../datasources/source-adapter';
import type { SourceRegistry } from '../../datasources/source-registry';
import { AuditGraphError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { bindingDigest, type CursorCodec, type CursorKey, type CursorPayload, type SourceHint } from '../../paging/cursor-codec';
import { eventMatcher } from '../../paging/event-filter';
import { compareKeys, keyOf, type EventKey } from '../../paging/event-order';
import { epochMsOfTimeKey } from '../../paging/time-key';
import type { AuditEventsService } from '../audit-events.service';
import { normalizeEventFilter, type EventFilterInput } from '../event-filter.normalizer';
import type { RequestScope } from '../request-scope';
import { HeadPoller, type HeadNews } from './head-poller';
import type { PollCoordinator } from './poll-coordinator';

/** `auditEventAdded` arguments. */
export interface LiveTailQuery {
  readonly sources?: readonly string[] | null;
  readonly filter?: EventFilterInput | null;
  /** A cursor of the same tenant, sources and filter: deliver what came after it first. */
  readonly after?: string | null;
}

/** One message of a live tail: an edge, or a source's failure (the subscription goes on). */
export type LiveTailItem =
  | { readonly kind: 'edge'; readonly cursor: string; readonly node: AuditEventRecord }
  | { readonly kind: 'error'; readonly error: AuditGraphError };

/** Who holds a subscription: the request scope, plus the WebSocket connection it runs on. */
export interface LiveTailScope extends Omit<RequestScope, 'call'> {
  /** Id of the connection, for its subscription cap. */
  readonly connectionId: string;
}

/** Options of {@link LiveTailService}. */
export interface LiveTailServiceOptions {
  readonly registry: SourceRegistry;
  readonly codec: CursorCodec;
  readonly auditEvents: AuditEventsService;
  readonly live: LiveConfig;
  /** A source's own poll interval (`livePollIntervalMs`), when it has one. */
  readonly pollIntervalOf?: (sourceId: string) => number | undefined;
  readonly now?: () => number;
  readonly logger: Logger;
  /** Native requests one poll may spend per source; default 10. */
  readonly scanBudget?: number;
  /** Told of every poll (metrics, tests). */
  readonly onPoll?: (sourceId: string, outcome: 'ok' | 'error') => void;
  /** Which instance polls each head when several share `cache.url`; default: this one polls all. */
  readonly coordinator?: PollCoordinator;
  /**
   * Charges a replay page to its tenant's cost budget, as the same `auditEvents` page over HTTP
   * would be; a refusal makes the replay wait, never fail. Default: free.
   */
  readonly chargeReplay?: (
    tenantId: string,
    cost: number,
  ) => Promise<{ readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number }>;
}

/** Tenant id the shared pollers' upstream calls are made (and fairly queued) under. */
export const LIVE_TAIL_TENANT = '\u0000live-tail';

/** Pages a replay reads at a time. */
const REPLAY_PAGE_SIZE = 100;

const toCursorKey = (key: EventKey): CursorKey => [key.timeKey, key.sourceId, key.nativeId];
const fromCursorKey = (key: CursorKey): EventKey => ({ timeKey: key[0], sourceId: key[1], nativeId: key[2] });
const eventId = (key: EventKey): string => `${key.sourceId}\u0000${key.timeKey}\u0000${key.nativeId}`;

/** Per-source positions a cursor stands at (undefined: before everything of that source). */
function positionsOf(payload: CursorPayload, sourceIds: readonly string[]): Map<string, EventKey | undefined> {
  const positions = new Map<string, EventKey | undefined>();
  for (const id of sourceIds) {
    const own = payload.s?.[id]?.k;
    const key = own === undefined ? payload.k : own;
    positions.set(id, key === null ? undefined : fromCursorKey(key));
  }
  return positions;
}

/**
 * Live tails of audit events. One {@link HeadPoller} per (source, filter) reads the head of the
 * log for every subscription that shares them, whatever the tenant, so upstream cost does not
 * grow with subscribers; a subscription only ever reads sources its tenant may read. A
 * subscription with `after` first replays what came after the cursor through the timeline
 * service (oldest first, exactly once), then goes live without a gap or a repeat. Every edge's
 * cursor is an `auditEvents(order: OLDEST_FIRST)` cursor of the same sources and filter, with
 * each source's own position, so it resumes the subscription (or a query) where it stood.
 */
export class LiveTailService {
  private readonly pollers = new Map<string, HeadPoller>();
  private readonly perTenant = new Map<string, number>();
  private readonly perConnection = new Map<string, number>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: LiveTailServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Pollers running now. */
  get pollerCount(): number {
    return this.pollers.size;
  }

  /** Subscriptions open now. */
  get subscriptionCount(): number {
    let total = 0;
    for (const count of this.perTenant.values()) total += count;
    return total;
  }

  /**
   * Starts a live tail. Arguments, sources, the cursor and the caps are checked before this
   * returns (each refusal a typed error, and nothing started); the iterator then yields edges
   * until it is returned, which releases everything it held.
   */
  subscribe(scope: LiveTailScope, query: LiveTailQuery): AsyncIterableIterator<LiveTailItem> {
    if (this.closed) throw new AuditGraphError('UPSTREAM_UNAVAILABLE', 'The gateway is shutting down; subscribe again in a moment.');
    const filter = normalizeEventFilter(query.filter);
    const sourceIds = this.options.auditEvents.sourcesFor(scope, query.sources);
    if (sourceIds.length === 0) throw new AuditGraphError('BAD_USER_INPUT', 'This tenant may read no source, so there is nothing to tail.');
    const binding = bindingDigest({ tenantId: scope.tenant.id, sourceIds, filter, order: 'OLDEST_FIRST' });
    const start = query.after ? this.startOf(query.after, scope.tenant.id, sourceIds, filter, binding) : null;
    const { live } = this.options;
    const tenantCount = this.perTenant.get(scope.tenant.id) ?? 0;
    if (tenantCount >= live.maxSubscriptionsPerTenant) {
      throw new AuditGraphError(
        'RATE_LIMITED',
        `This tenant already holds ${live.maxSubscriptionsPerTenant} live subscriptions (live.maxSubscriptionsPerTenant); complete one first.`,
      );
    }
    const connectionCount = this.perConnection.get(scope.connectionId) ?? 0;
    if (connectionCount >= live.maxSubscriptionsPerConnection) {
      throw new AuditGraphError(
        'RATE_LIMITED',
        `This connection already holds ${live.maxSubscriptionsPerConnection} subscriptions (live.maxSubscriptionsPerConnection); complete one or open another connection.`,
      );
    }
    this.perTenant.set(scope.tenant.id, tenantCount + 1);
    this.perConnection.set(scope.connectionId, connectionCount + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      decrement(this.perTenant, scope.tenant.id);
      decrement(this.perConnection, scope.connectionId);
    };
    // Resolved now, through the tenant's grants: a poller is only ever joined for a readable source.
    const adapters = sourceIds.map((id) => this.options.registry.get(scope.tenant, id)!);
    return new LiveTail({
      service: this,
      pollers: () => adapters.map((adapter) => this.poller(adapter, filter)),
      scope,
      sourceIds,
      filter,
      filterInput: query.filter ?? null,
      binding,
      start,
      holdMs: sourceIds.length > 1 ? live.mergeHoldMs : 0,
      maxPending: live.maxPendingMessages,
      now: this.now,
      onClose: release,
    });
  }

  /** Where a subscription with `after` starts: the positions of an OLDEST_FIRST cursor, or the event a NEWEST_FIRST one names. */
  private startOf(cursor: string, tenantId: string, sourceIds: string[], filter: EventFilter, binding: string): string | null {
    const newestFirst = bindingDigest({ tenantId, sourceIds, filter, order: 'NEWEST_FIRST' });
    let payload: CursorPayload;
    try {
      payload = this.options.codec.decode(cursor, binding);
      return cursor;
    } catch (ascending) {
      try {
        payload = this.options.codec.decode(cursor, newestFirst);
      } catch {
        throw ascending;
      }
    }
    // A newest-first cursor names the event a client shows on top: what follows it in time is
    // new to that client. Its per-source positions mean "read down to here", so only its key
    // counts; one at no event (an empty page's) means the client has nothing: start at the head.
    if (!payload.k) return null;
    return this.options.codec.encode({ b: binding, k: payload.k });
  }

  /**
   * The shared poller of a source and of what the provider is asked to filter, started on first
   * use: subscriptions whose filters differ only in what the gateway applies share it, and each
   * drops what its own filter does not match.
   */
  private poller(adapter: SourceAdapter, filter: EventFilter): HeadPoller {
    const sourceId = adapter.ref.id;
    const scannerFor = (call: UpstreamCall) =>
      adapter.scanner(filter, { call: { ...call, tenantId: LIVE_TAIL_TENANT }, tenantId: LIVE_TAIL_TENANT });
    // Making a scanner reads nothing: it only works out the native query.
    const key = JSON.stringify([sourceId, scannerFor({ deadline: 0 }).pushedDown]);
    let poller = this.pollers.get(key);
    if (poller) return poller;
    poller = new HeadPoller({
      sourceId,
      scannerFor,
      matches: () => true,
      pollIntervalMs: this.options.pollIntervalOf?.(sourceId) ?? this.options.live.pollIntervalMs,
      reorderWindowMs: this.options.live.reorderWindowMs,
      scanBudget: this.options.scanBudget,
      now: this.now,
      logger: this.options.logger,
      onPoll: (outcome) => this.options.onPoll?.(sourceId, outcome),
      onStop: () => {
        if (this.pollers.get(key) === poller) this.pollers.delete(key);
      },
      ...(this.options.coordinator ? { coordination: { coordinator: this.options.coordinator, key } } : {}),
    });
    this.pollers.set(key, poller);
    return poller;
  }

  /** The timeline service, for replays. */
  get auditEvents(): AuditEventsService {
    return this.options.auditEvents;
  }

  get codec(): CursorCodec {
    return this.options.codec;
  }

  get reorderWindowMs(): number {
    return this.options.live.reorderWindowMs;
  }

  /** Waits until the tenant's cost budget takes a replay page over `sources` sources (or `signal` aborts). */
  async chargeReplayPage(tenantId: string, sources: number, signal: AbortSignal): Promise<void> {
    const charge = this.options.chargeReplay;
    if (!charge) return;
    // What the same page costs over HTTP: each source's native pages for 100 events and the look-ahead.
    const cost = sources * Math.ceil((REPLAY_PAGE_SIZE + 1) / 100);
    for (;;) {
      const verdict = await charge(tenantId, cost);
      if (verdict.allowed || signal.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, verdict.retryAfterSeconds * 1000);
        signal.addEventListener('abort', done);
      });
    }
  }

  /** Stops every poller; subscriptions still open end when their connections close. */
  close(): void {
    this.closed = true;
    for (const poller of [...this.pollers.values()]) poller.stop();
    this.pollers.clear();
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const next = (counts.get(key) ?? 1) - 1;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

interface LiveTailInit {
  readonly service: LiveTailService;
  /** The shared pollers of the subscription's sources, in `sourceIds` order. */
  readonly pollers: () => HeadPoller[];
  readonly scope: LiveTailScope;
  readonly sourceIds: readonly string[];
  readonly filter: EventFilter;
  /** The filter as the client gave it, for replays through the timeline service. */
  readonly filterInput: EventFilterInput | null;
  readonly binding: string;
  /** An OLDEST_FIRST cursor to replay from, or null to start at the head. */
  readonly start: string | null;
  readonly holdMs: number;
  /** Messages that may wait for the client before the tail ends (see `live.maxPendingMessages`). */
  readonly maxPending: number;
  readonly now: () => number;
  readonly onClose: () => void;
}

/** One subscription: replay, then live events merged across its sources. */
class LiveTail implements AsyncIterableIterator<LiveTailItem> {
  private readonly queue: LiveTailItem[] = [];
  private waiting: ((result: IteratorResult<LiveTailItem>) => void) | undefined;
  private readonly unlisten: (() => void)[] = [];
  /** Live events received before the replay ended, and those held for cross-source order. */
  private pending: { event: AuditEventRecord; at: number }[] = [];
  private positions = new Map<string, EventKey | undefined>();
  private live = false;
  private done = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly replayAbort = new AbortController();
  /** Ids of replayed events recent enough for a poller to tell them too. */
  private readonly replayed = new Set<string>();
  private readonly drainWaiters: (() => void)[] = [];
  /** The whole filter: a shared poller tells what the provider returned for its pushed-down part. */
  private readonly matches: (event: AuditEventRecord) => boolean;

  constructor(private readonly init: LiveTailInit) {
    this.matches = eventMatcher(init.filter);
    this.run().catch((error: unknown) => this.fail(error));
  }

  /** Ends the tail on a fault of the gateway's own: what was queued goes out, then a masked error, then the end. */
  private fail(error: unknown): void {
    if (this.done) return;
    this.init.scope.logger.error({ err: error }, 'live tail stopped on an internal error');
    this.push({
      kind: 'error',
      error: new AuditGraphError('INTERNAL_SERVER_ERROR', 'The live tail stopped; subscribe again with the last cursor you received.'),
    });
    this.finish({ keepQueue: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LiveTailItem> {
    return this;
  }

  next(): Promise<IteratorResult<LiveTailItem>> {
    const item = this.queue.shift();
    if (this.queue.length === 0) this.wakeDrainWaiters();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveTailItem>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<LiveTailItem>> {
    this.finish();
    return Promise.reject(error);
  }

  /** Releases everything the tail holds; with `keepQueue`, what is queued still goes out before the end. */
  private finish(options: { readonly keepQueue?: boolean } = {}): void {
    if (this.done) return;
    this.done = true;
    this.replayAbort.abort();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    for (const unlisten of this.unlisten.splice(0)) unlisten();
    if (!options.keepQueue) this.queue.length = 0;
    this.pending = [];
    this.wakeDrainWaiters();
    this.init.onClose();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  private push(item: LiveTailItem): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: item, done: false });
      return;
    }
    // A replay queues one page at a time (it waits for the client); live events are capped.
    if (this.live && this.queue.length >= this.init.maxPending) {
      this.fallBehind();
      return;
    }
    this.queue.push(item);
  }

  /**
   * The client reads slower than events come. Everything after its last cursor is dropped here
   * and replayed when it comes back with `after`: the tail ends, and loses nothing.
   */
  private fallBehind(): void {
    this.queue.length = 0;
    const error = new AuditGraphError(
      'RATE_LIMITED',
      `This subscription fell ${this.init.maxPending} messages behind and was ended; subscribe again with \`after\` set to the last cursor you received.`,
    );
    this.push({ kind: 'error', error });
    this.finish({ keepQueue: true });
  }

  /** Resolves once the client has read everything queued (or the tail ended): a replay's backpressure. */
  private drained(): Promise<void> {
    if (this.queue.length === 0 || this.done) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }

  private async run(): Promise<void> {
    const { sourceIds } = this.init;
    const pollers = this.init.pollers();
    // Listen first, so that nothing told while the replay runs is missed.
    for (const poller of pollers) this.unlisten.push(poller.listen((news) => this.onNews(news)));
    await Promise.all(pollers.map((p) => p.ready));
    if (this.done) return;
    if (this.init.start === null) {
      sourceIds.forEach((id, index) => this.positions.set(id, pollers[index]!.head()));
    } else {
      const ok = await this.replay(this.init.start);
      if (!ok) return;
    }
    this.live = true;
    this.release(true);
  }

  /** Pages the timeline from the cursor to its end, pushing every edge; false when the tail ended meanwhile. */
  private async replay(cursor: string): Promise<boolean> {
    const { service, scope, sourceIds, filterInput, binding } = this.init;
    const recentFrom = this.init.now() - 2 * service.reorderWindowMs - this.init.holdMs - 60_000;
    let after = cursor;
    let failures = 0;
    for (;;) {
      // One page at a time: the next is read once the client has taken this one.
      await this.drained();
      if (this.done) return false;
      await service.chargeReplayPage(scope.tenant.id, sourceIds.length, this.replayAbort.signal);
      if (this.done) return false;
      try {
        const page = await service.auditEvents.page(
          { ...scope, call: { deadline: this.init.now() + 30_000, signal: this.replayAbort.signal, tenantId: scope.tenant.id } },
          { sources: sourceIds, filter: filterInput, order: 'OLDEST_FIRST', first: REPLAY_PAGE_SIZE, after },
        );
        failures = 0;
        for (const edge of page.edges) {
          const key = keyOf(edge.node);
          if (epochMsOfTimeKey(key.timeKey) >= recentFrom) this.replayed.add(eventId(key));
          this.push({ kind: 'edge', cursor: edge.cursor, node: edge.node });
        }
        if (page.pageInfo.endCursor) after = page.pageInfo.endCursor;
        if (!page.pageInfo.hasNextPage) break;
      } catch (error) {
        if (this.done) return false;
        if (!(error instanceof AuditGraphError)) throw error;
        // A bad cursor was refused before the subscription started; what fails here is upstream.
        failures += 1;
        if (failures === 1) this.push({ kind: 'error', error });
        await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, 1_000 * 2 ** Math.min(failures, 6))));
      }
    }
    this.positions = positionsOf(service.codec.decode(after, binding), sourceIds);
    return true;
  }

  private onNews(news: HeadNews): void {
    if (this.done) return;
    if (news.kind === 'error') {
      this.push({ kind: 'error', error: news.error });
      return;
    }
    const at = this.init.now();
    for (const event of news.events) if (this.matches(event)) this.pending.push({ event, at });
    if (this.pending.length > this.init.maxPending) {
      this.fallBehind();
      return;
    }
    if (this.live) this.release(false);
  }

  /**
   * Sends held events: with no hold, all of them; else every event held for `holdMs`, and with
   * them every held event that comes before the latest of those, so that sources polled at
   * different moments still come out in time order.
   */
  private release(joining: boolean): void {
    if (this.done || this.pending.length === 0) return;
    const now = this.init.now();
    const { holdMs } = this.init;
    let due = this.pending;
    if (holdMs > 0) {
      let bar: EventKey | undefined;
      for (const p of this.pending) {
        if (now - p.at >= holdMs && (!bar || compareKeys(keyOf(p.event), bar) > 0)) bar = keyOf(p.event);
      }
      due = bar ? this.pending.filter((p) => compareKeys(keyOf(p.event), bar!) <= 0) : [];
    }
    if (due.length > 0) {
      const sending = new Set(due);
      this.pending = this.pending.filter((p) => !sending.has(p));
      due.sort((a, b) => compareKeys(keyOf(a.event), keyOf(b.event)));
      for (const { event } of due) this.send(event, joining);
    }
    if (this.pending.length > 0 && !this.holdTimer) {
      const oldest = Math.min(...this.pending.map((p) => p.at));
      this.holdTimer = setTimeout(
        () => {
          this.holdTimer = undefined;
          this.release(false);
        },
        Math.max(1, oldest + holdMs - this.init.now()),
      );
      this.holdTimer.unref?.();
    }
  }

  private send(event: AuditEventRecord, joining: boolean): void {
    const key = keyOf(event);
    const position = this.positions.get(event.sourceId);
    // At the join, what the replay already sent is not sent again; a poller's event before the
    // replay's end that the replay did not send showed up late, and is news.
    if (joining && this.replayed.has(eventId(key))) return;
    if (!position || compareKeys(key, position) > 0) this.positions.set(event.sourceId, key);
    this.push({ kind: 'edge', cursor: this.cursorAt(key), node: event });
  }

  /** A cursor at `key` with every source's own position where it differs. */
  private cursorAt(key: EventKey): string {
    const s: Record<string, SourceHint> = {};
    for (const id of this.init.sourceIds) {
      const position = this.positions.get(id);
      if (position && compareKeys(position, key) === 0) continue;
      s[id] = { k: position ? toCursorKey(position) : null };
    }
    return this.init.service.codec.encode({ b: this.init.binding, k: toCursorKey(key), ...(Object.keys(s).length > 0 ? { s } : {}) });
  }
}

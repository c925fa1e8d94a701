import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { AuditEventRecord } from '../domain/audit-event';
import { decodeGlobalId, encodeGlobalId, type GlobalIdTarget } from '../domain/global-id';
import type { EventLookup, SourceAdapter } from '../datasources/source-adapter';
import type { SourceRegistry } from '../datasources/source-registry';
import { AuditGraphError } from '../errors';
import type { HighlightsService } from './highlights/highlights.service';
import type { HighlightsView } from './highlights/highlights.types';
import type { RequestScope } from './request-scope';
import { toSourceNode, type SourceNode } from './source-node';
import type { UserRecord, UsersService } from './users.service';

/** Any object `node` can return. */
export type NodeValue = AuditEventRecord | SourceNode | UserRecord | HighlightsView;

/** The services that own the LogRocket REST objects (users, highlights). */
export interface NodeServiceLookups {
  readonly users?: Pick<UsersService, 'cachedUser'>;
  readonly highlights?: Pick<HighlightsService, 'byRequestId'>;
}

/** Tuning of the per-request node loader. */
export interface NodeLoaderOptions {
  /** Single-record calls in flight per source and request; default 8. */
  readonly concurrency?: number;
}

/** A timeline page being read in this request, and the sources it covers (null: every source). */
interface ConnectionRead {
  readonly sourceIds: ReadonlySet<string> | null;
  readonly done: Promise<unknown>;
}

type EventTarget = Extract<GlobalIdTarget, { type: 'AuditEvent' }>;

/** The one spelling of an id: equal targets share one cache entry whatever the encoding. */
export function canonicalNodeId(id: string): string {
  const target = decodeGlobalId(id);
  return target ? encodeGlobalId(target) : `invalid:${id}`;
}

function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new AuditGraphError('INTERNAL_SERVER_ERROR', 'A node lookup failed unexpectedly.', { cause: error });
}

/**
 * The node lookups of one GraphQL request: `node`, `nodes` and `_entities` go through one
 * DataLoader, so an id is looked up once per request and ids of one tick are batched by source.
 * Events a timeline page of the same request already read are answered from it, for free.
 */
export class RequestNodeLoader {
  private readonly loader: DataLoader<string, NodeValue | null, string>;
  /** Events read by timeline pages of this request, by canonical id. */
  private readonly loaded = new Map<string, AuditEventRecord>();
  /** Events read but not yet keyed: most requests never look a node up, so ids are built lazily. */
  private pending: AuditEventRecord[] = [];
  private readonly reads: ConnectionRead[] = [];

  constructor(
    private readonly scope: RequestScope,
    private readonly registry: SourceRegistry,
    private readonly lookups: NodeServiceLookups,
    private readonly options: NodeLoaderOptions = {},
  ) {
    this.loader = new DataLoader((ids) => this.batch(ids), { cacheKeyFn: canonicalNodeId });
  }

  load(id: string): Promise<NodeValue | null> {
    this.keyPending();
    return this.loader.load(id);
  }

  /** Registers a timeline page being read, so lookups of its sources wait for it instead of calling upstream. */
  reading(sourceIds: readonly string[] | null, page: Promise<{ readonly edges: readonly { readonly node: AuditEventRecord }[] }>): void {
    const done = page.then(
      (built) => this.prime(built.edges.map((edge) => edge.node)),
      () => undefined,
    );
    this.reads.push({ sourceIds: sourceIds ? new Set(sourceIds) : null, done });
  }

  /** Makes events already read in this request answer lookups of their ids. */
  prime(events: readonly AuditEventRecord[]): void {
    for (const event of events) this.pending.push(event);
  }

  private keyPending(): void {
    if (this.pending.length === 0) return;
    for (const event of this.pending) {
      const id = encodeGlobalId({ type: 'AuditEvent', sourceId: event.sourceId, timeKey: event.timeKey, nativeId: event.nativeId });
      this.loaded.set(id, event);
      this.loader.prime(id, event);
    }
    this.pending = [];
  }

  private async batch(ids: readonly string[]): Promise<(NodeValue | null | Error)[]> {
    const results: (NodeValue | null | Error)[] = ids.map(() => null);
    const bySource = new Map<string, { adapter: SourceAdapter; entries: { index: number; target: EventTarget }[] }>();
    const others: Promise<void>[] = [];
    const settle = (index: number, lookup: Promise<NodeValue | null | undefined> | undefined) => {
      if (!lookup) return;
      others.push(
        lookup.then(
          (value) => void (results[index] = value ?? null),
          (error: unknown) => void (results[index] = asError(error)),
        ),
      );
    };
    const { scope } = this;
    ids.forEach((id, index) => {
      const target = decodeGlobalId(id);
      // Not ours, or a source this tenant may not read: the same null, so ids reveal nothing.
      const adapter = target ? this.registry.get(scope.tenant, target.sourceId) : undefined;
      if (!target || !adapter) return;
      switch (target.type) {
        case 'Source':
          results[index] = toSourceNode(adapter.ref);
          return;
        case 'User':
          // LogRocket has no user GET: a user is known only from this tenant's own upserts.
          return settle(index, this.lookups.users?.cachedUser(scope, target.sourceId, target.userId));
        case 'Highlights':
          return settle(index, this.lookups.highlights?.byRequestId(scope, target.sourceId, target.requestId));
        case 'AuditEvent': {
          const group = bySource.get(target.sourceId) ?? { adapter, entries: [] };
          group.entries.push({ index, target });
          bySource.set(target.sourceId, group);
        }
      }
    });
    await this.afterReadsOf([...bySource.keys()]);
    this.keyPending();
    const fetches = [...bySource.values()].map(({ adapter, entries }) => {
      const missing = entries.filter(({ index, target }) => {
        const event = this.loaded.get(encodeGlobalId(target));
        if (event) results[index] = event;
        return !event;
      });
      return missing.length > 0 ? this.fetchEvents(adapter, missing, results) : Promise.resolve();
    });
    await Promise.all([...others, ...fetches]);
    return results;
  }

  /** Waits for this request's timeline pages over any of `sourceIds`, which may hold the events asked for. */
  private async afterReadsOf(sourceIds: readonly string[]): Promise<void> {
    if (sourceIds.length === 0 || this.reads.length === 0) return;
    const relevant = this.reads.filter((read) => read.sourceIds === null || sourceIds.some((id) => read.sourceIds!.has(id)));
    await Promise.all(relevant.map((read) => read.done));
  }

  private async fetchEvents(
    adapter: SourceAdapter,
    entries: readonly { index: number; target: EventTarget }[],
    results: (NodeValue | null | Error)[],
  ): Promise<void> {
    const { call } = this.scope;
    if (adapter.getEvents) {
      const lookups: EventLookup[] = entries.map(({ target }) => ({ nativeId: target.nativeId, timeKey: target.timeKey }));
      try {
        const events = await adapter.getEvents(lookups, call);
        entries.forEach(({ index }, i) => (results[index] = events[i] ?? null));
      } catch (error) {
        for (const { index } of entries) results[index] = asError(error);
      }
      return;
    }
    const limit = pLimit(this.options.concurrency ?? 8);
    await Promise.all(
      entries.map(({ index, target }) =>
        limit(async () => {
          try {
            results[index] = await adapter.getEvent(target.nativeId, target.timeKey, call);
          } catch (error) {
            results[index] = asError(error);
          }
        }),
      ),
    );
  }
}

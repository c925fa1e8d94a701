import type { EventOrder } from '../domain/audit-event';
import type { SourceRegistry } from '../datasources/source-registry';
import { badUserInput } from '../errors';
import { parsePageRequest, type ConnectionArgs, type PageLimits, DEFAULT_PAGE_LIMITS } from '../paging/connection-args';
import { bindingDigest, type CursorCodec } from '../paging/cursor-codec';
import { eventMatcher } from '../paging/event-filter';
import { buildTimelinePage, type BuiltPage } from '../paging/timeline-page';
import { normalizeEventFilter, type EventFilterInput } from './event-filter.normalizer';
import type { RequestScope } from './request-scope';

/** `auditEvents` arguments. */
export interface AuditEventsQuery extends ConnectionArgs {
  readonly sources?: readonly string[] | null;
  readonly filter?: EventFilterInput | null;
  /** Default NEWEST_FIRST. */
  readonly order?: EventOrder | null;
  /** Default FAIL. */
  readonly onSourceError?: 'FAIL' | 'PARTIAL' | null;
}

/** A page plus a lazily computed total. */
export interface AuditEventPage extends BuiltPage {
  /** Resolved only when the client asks for `totalCount`. */
  readonly totalCount: () => Promise<number | null>;
}

/** Tuning of the timeline service. */
export interface AuditEventsServiceOptions {
  readonly registry: SourceRegistry;
  readonly codec: CursorCodec;
  readonly limits?: PageLimits;
  /** Native requests one page may spend per source before answering short; default 10. */
  readonly scanBudget?: number;
}

/** Timelines: argument rules, source resolution, cursor binding, and paging. */
export class AuditEventsService {
  constructor(private readonly options: AuditEventsServiceOptions) {}

  /** Source ids a query of `requested` covers, as the tenant sees them; unknown names are BAD_USER_INPUT. */
  sourcesFor(scope: Pick<RequestScope, 'tenant'>, requested: readonly string[] | null | undefined): string[] {
    return this.resolveSources(scope, requested);
  }

  private resolveSources(scope: Pick<RequestScope, 'tenant'>, requested: readonly string[] | null | undefined): string[] {
    const visible = this.options.registry.visibleTo(scope.tenant).map((s) => s.id);
    if (requested === null || requested === undefined) return visible;
    if (requested.length === 0) throw badUserInput('`sources` is an empty list; omit it to read every source you may read.', 'sources');
    const unique = [...new Set(requested)];
    for (const id of unique) {
      if (!this.options.registry.get(scope.tenant, id)) {
        throw badUserInput(`Unknown source "${id}". Query \`sources\` for the names you may read.`, 'sources');
      }
    }
    return unique;
  }

  /**
   * One page of a timeline. `signEveryEdge` (default true) signs every edge's cursor up front;
   * false signs an edge's cursor only when it is read (cheaper when a client reads only pageInfo,
   * dearer when it reads them all).
   */
  async page(
    scope: RequestScope,
    query: AuditEventsQuery,
    options: { readonly signEveryEdge?: boolean; readonly countNow?: boolean } = {},
  ): Promise<AuditEventPage> {
    const request = parsePageRequest(query, this.options.limits ?? DEFAULT_PAGE_LIMITS);
    const filter = normalizeEventFilter(query.filter);
    const order = query.order ?? 'NEWEST_FIRST';
    const sourceIds = this.resolveSources(scope, query.sources);
    const binding = bindingDigest({ tenantId: scope.tenant.id, sourceIds, filter, order });
    if (sourceIds.length === 0) {
      if (request.cursor !== null) this.options.codec.decode(request.cursor, binding);
      return {
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        sourceErrors: [],
        totalCount: async () => 0,
      };
    }
    const context = { call: scope.call, tenantId: scope.tenant.id };
    const adapters = sourceIds.map((id) => this.options.registry.get(scope.tenant, id)!);
    // Asked for with the page, a count comes with the page's own first native response where the
    // provider sends one, and is otherwise read alongside the page, never after it.
    const withPage = adapters.map((adapter) =>
      Boolean(options.countNow && request.cursor === null && adapter.countsWithFirstPage?.(filter)),
    );
    const reported = new Map<number, number>();
    const early = adapters.map((adapter, i) => (options.countNow && !withPage[i] ? adapter.countEvents(filter, scope.call) : undefined));
    // A failed page leaves the early counts unread; their failures must not go unhandled.
    for (const count of early) count?.catch(() => undefined);
    const page = await buildTimelinePage({
      sources: adapters.map((adapter, i) => ({
        sourceId: adapter.ref.id,
        ...adapter.scanner(
          filter,
          withPage[i] ? { ...context, onTotal: (total) => void (reported.has(i) || reported.set(i, total)) } : context,
        ),
      })),
      order,
      request,
      codec: this.options.codec,
      binding,
      lower: filter.occurredAfter,
      upper: filter.occurredBefore,
      matches: eventMatcher(filter),
      onSourceError: query.onSourceError ?? 'FAIL',
      budgetPerSource: this.options.scanBudget ?? 10,
      signEveryEdge: options.signEveryEdge ?? true,
    });
    let count: Promise<number | null> | undefined;
    const countAll = async (): Promise<number | null> => {
      if (page.sourceErrors.length > 0) return null;
      // A page served from the cache carries no count: that source is counted now.
      const counts = await Promise.all(
        adapters.map((adapter, i) => early[i] ?? reported.get(i) ?? adapter.countEvents(filter, scope.call)),
      );
      return counts.some((c) => c === null) ? null : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0);
    };
    return { ...page, totalCount: () => (count ??= countAll()) };
  }
}

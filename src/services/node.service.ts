import type { AuditEventRecord, ProviderKind, SourceRef } from '../domain/audit-event';
import { decodeGlobalId, encodeGlobalId } from '../domain/global-id';
import type { SourceRegistry } from '../datasources/source-registry';
import { badUserInput } from '../errors';
import type { HighlightsService, HighlightsView } from './highlights.service';
import type { RequestScope } from './request-scope';
import type { UserRecord, UsersService } from './users.service';

/** A source as the schema's `Source` type shows it. */
export interface SourceNode {
  readonly id: string;
  readonly name: string;
  readonly provider: ProviderKind;
}

/** Any object `node` can return. */
export type NodeValue = AuditEventRecord | SourceNode | UserRecord | HighlightsView;

/** The services that own the LogRocket REST objects (users, highlights). */
export interface NodeServiceLookups {
  readonly users?: Pick<UsersService, 'cachedUser'>;
  readonly highlights?: Pick<HighlightsService, 'byRequestId'>;
}

/** Upper bound on `nodes(ids:)`. */
export const MAX_NODE_IDS = 100;
const LOOKUP_CONCURRENCY = 8;

/** The schema's view of a source. */
export function toSourceNode(ref: SourceRef): SourceNode {
  return { id: encodeGlobalId({ type: 'Source', sourceId: ref.id }), name: ref.id, provider: ref.provider };
}

/**
 * Object lookup by global id. An id the tenant may not read and an id that does not exist get
 * the same answer, null, so ids reveal nothing about other tenants.
 */
export class NodeService {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly lookups: NodeServiceLookups = {},
  ) {}

  async node(scope: RequestScope, id: string): Promise<NodeValue | null> {
    const target = decodeGlobalId(id);
    if (!target) return null;
    const adapter = this.registry.get(scope.tenant, target.sourceId);
    if (!adapter) return null;
    if (target.type === 'Source') return toSourceNode(adapter.ref);
    // LogRocket has no user GET: a user is known only from this tenant's own upserts.
    if (target.type === 'User') return (await this.lookups.users?.cachedUser(scope, target.sourceId, target.userId)) ?? null;
    if (target.type === 'Highlights') return (await this.lookups.highlights?.byRequestId(scope, target.sourceId, target.requestId)) ?? null;
    return adapter.getEvent(target.nativeId, target.timeKey, scope.call);
  }

  async nodes(scope: RequestScope, ids: readonly string[]): Promise<(NodeValue | null)[]> {
    if (ids.length > MAX_NODE_IDS) throw badUserInput(`\`nodes\` takes at most ${MAX_NODE_IDS} ids per call.`, 'ids');
    const unique = [...new Set(ids)];
    let next = 0;
    // A small worker pool: bounded concurrency towards the providers, results keyed by id.
    const settled = new Map<string, NodeValue | null>();
    const worker = async () => {
      while (next < unique.length) {
        const id = unique[next++];
        settled.set(id, await this.node(scope, id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, unique.length) }, worker));
    return ids.map((id) => settled.get(id) ?? null);
  }
}

import type { AuditEventRecord } from '../domain/audit-event';
import { decodeGlobalId } from '../domain/global-id';
import type { SourceRegistry } from '../datasources/source-registry';
import { badUserInput } from '../errors';
import { RequestNodeLoader, type NodeLoaderOptions, type NodeServiceLookups, type NodeValue } from './node.loader';
import type { RequestScope } from './request-scope';

export type { NodeServiceLookups, NodeValue } from './node.loader';
export { toSourceNode, type SourceNode } from './source-node';

/** Upper bound on `nodes(ids:)`. */
export const MAX_NODE_IDS = 100;

/** The schema types other subgraphs may reference by `id` (federation entities). */
export type EntityTypeName = 'AuditEvent' | 'User' | 'Source';

/**
 * Object lookup by global id. An id the tenant may not read and an id that does not exist get
 * the same answer, null, so ids reveal nothing about other tenants. Lookups of one request share
 * a DataLoader (see RequestNodeLoader), created on first use and dropped with the request.
 */
export class NodeService {
  private readonly loaders = new WeakMap<RequestScope, RequestNodeLoader>();

  constructor(
    private readonly registry: SourceRegistry,
    private readonly lookups: NodeServiceLookups = {},
    private readonly options: NodeLoaderOptions = {},
  ) {}

  /** The loader of the request `scope` belongs to (the GraphQL context object is the scope). */
  private loaderFor(scope: RequestScope): RequestNodeLoader {
    let loader = this.loaders.get(scope);
    if (!loader) {
      loader = new RequestNodeLoader(scope, this.registry, this.lookups, this.options);
      this.loaders.set(scope, loader);
    }
    return loader;
  }

  node(scope: RequestScope, id: string): Promise<NodeValue | null> {
    return this.loaderFor(scope).load(id);
  }

  /** One answer per id, in input order; an upstream failure fails only the ids it concerns. */
  nodes(scope: RequestScope, ids: readonly string[]): Promise<NodeValue | null>[] {
    if (ids.length > MAX_NODE_IDS) throw badUserInput(`\`nodes\` takes at most ${MAX_NODE_IDS} ids per call.`, 'ids');
    const loader = this.loaderFor(scope);
    return ids.map((id) => loader.load(id));
  }

  /**
   * A federation entity by its key: null when the id is not of that type, does not exist or is
   * not readable. A copy, because the federation runtime tags what it is given with `__typename`.
   */
  async entity(scope: RequestScope, type: EntityTypeName, id: string): Promise<NodeValue | null> {
    if (typeof id !== 'string' || decodeGlobalId(id)?.type !== type) return null;
    const value = await this.loaderFor(scope).load(id);
    return value === null ? null : { ...value };
  }

  /**
   * Tells the request's lookups that a timeline page over `sourceIds` (null: every source) is
   * being read: lookups of those sources wait for it and take its events instead of calling upstream.
   */
  reading(
    scope: RequestScope,
    sourceIds: readonly string[] | null,
    page: Promise<{ readonly edges: readonly { readonly node: AuditEventRecord }[] }>,
  ): void {
    this.loaderFor(scope).reading(sourceIds, page);
  }
}

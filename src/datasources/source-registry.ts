import type { SourceRef } from '../domain/audit-event';
import type { SourceAdapter } from './source-adapter';

/** Who is asking: a tenant and the sources it was granted. */
export interface TenantScope {
  readonly id: string;
  readonly sourceIds: ReadonlySet<string>;
}

/** The configured sources, seen through a tenant's grants: an ungranted source does not exist. */
export class SourceRegistry {
  private readonly adapters: ReadonlyMap<string, SourceAdapter>;

  constructor(adapters: readonly SourceAdapter[]) {
    this.adapters = new Map(adapters.map((a) => [a.ref.id, a]));
  }

  /** The adapter of `sourceId` if the tenant may read it. */
  get(tenant: TenantScope, sourceId: string): SourceAdapter | undefined {
    return tenant.sourceIds.has(sourceId) ? this.adapters.get(sourceId) : undefined;
  }

  /** Every source the tenant may read, in config order. */
  visibleTo(tenant: TenantScope): SourceRef[] {
    return [...this.adapters.values()].filter((a) => tenant.sourceIds.has(a.ref.id)).map((a) => a.ref);
  }

  async close(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.close()));
  }
}

import type { LogRocketRestClient } from '../datasources/logrocket/logrocket-rest.client';
import type { SourceRegistry, TenantScope } from '../datasources/source-registry';
import { AuditGraphError, badUserInput } from '../errors';
import type { RequestScope } from './request-scope';

/**
 * Picks the LogRocket source a users/highlights/export call is about, as the tenant sees the
 * configuration: an unknown source and one the tenant may not read get the same answer.
 */
export class LogRocketRestSources {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly clients: ReadonlyMap<string, LogRocketRestClient>,
  ) {}

  /**
   * The client of `source`, or of the tenant's only LogRocket source when `source` is omitted.
   * BAD_USER_INPUT when it is unknown, not granted or ambiguous; UNSUPPORTED_BY_SOURCE when it is
   * not a LogRocket source.
   */
  resolve(scope: RequestScope, source: string | null | undefined, field = 'source'): LogRocketRestClient {
    if (source === null || source === undefined) {
      const candidates = this.registry
        .visibleTo(scope.tenant)
        .filter((ref) => ref.provider === 'LOGROCKET' && this.clients.has(ref.id))
        .map((ref) => ref.id);
      if (candidates.length === 1) return this.clients.get(candidates[0]!)!;
      if (candidates.length === 0) {
        throw badUserInput('You may read no LogRocket source, so there is nothing to send this to.', field);
      }
      throw badUserInput(
        `You may read several LogRocket sources; name one with \`${field}\`: ${candidates.map((id) => `"${id}"`).join(', ')}.`,
        field,
      );
    }
    const adapter = this.registry.get(scope.tenant, source);
    if (!adapter) {
      throw badUserInput(`Unknown source "${source}"; use the name of a LogRocket source you may read (see \`sources\`).`, field);
    }
    const client = this.clients.get(source);
    if (adapter.ref.provider !== 'LOGROCKET' || !client) {
      throw new AuditGraphError(
        'UNSUPPORTED_BY_SOURCE',
        `Source "${source}" is not a LogRocket source; users, highlights and session exports exist only for LogRocket.`,
        { source, extensions: { field } },
      );
    }
    return client;
  }

  /** The client of a LogRocket source the tenant may read, else undefined (for `node` lookups). */
  readable(tenant: TenantScope, sourceId: string): LogRocketRestClient | undefined {
    const adapter = this.registry.get(tenant, sourceId);
    return adapter?.ref.provider === 'LOGROCKET' ? this.clients.get(sourceId) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
  }
}

import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { isRecord } from '../wire-guards';
import { readZendeskPage } from './zendesk.mapper';

/** Zendesk credentials: an API token with the admin's email, or an OAuth token. */
export interface ZendeskCredentials {
  readonly email?: string;
  readonly apiToken?: string;
  readonly oauthToken?: string;
}

/** Native list parameters, already in Zendesk's vocabulary. */
export interface ZendeskListParams {
  readonly pageSize: number;
  readonly sort: 'created_at' | '-created_at';
  readonly after?: string;
  /** Start and end, both ISO 8601; Zendesk wants both or neither. */
  readonly createdAt?: readonly [string, string];
  /** Filter name (`action`, `actor_id`, …) → values. */
  readonly filters: ReadonlyArray<readonly [string, readonly string[]]>;
}

/** Zendesk's native calls, always in cursor mode. */
export class ZendeskClient {
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    private readonly sourceId: string,
    private readonly http: UpstreamHttpClient,
    credentials: ZendeskCredentials,
  ) {
    const { email, apiToken, oauthToken } = credentials;
    this.headers = {
      authorization: oauthToken ? `Bearer ${oauthToken}` : `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`,
    };
  }

  /** One cursor-mode page. `page[size]` is always sent: without it Zendesk silently switches to offset paging. */
  async listAuditLogs(
    params: ZendeskListParams,
    call: UpstreamCall,
  ): Promise<{ logs: unknown[]; afterCursor: string | null; bodyBytes: number }> {
    const query: [string, string][] = [
      ['page[size]', String(params.pageSize)],
      ['sort', params.sort],
    ];
    if (params.after !== undefined) query.push(['page[after]', params.after]);
    for (const [name, values] of params.filters) {
      // One value uses the plain key; several repeat the key with [] (never deduplicated).
      if (values.length === 1) query.push([`filter[${name}]`, values[0]]);
      else for (const value of values) query.push([`filter[${name}][]`, value]);
    }
    if (params.createdAt) {
      query.push(['filter[created_at][]', params.createdAt[0]], ['filter[created_at][]', params.createdAt[1]]);
    }
    const response = await this.http.send({ method: 'GET', path: '/api/v2/audit_logs', query, headers: this.headers }, call);
    return { ...readZendeskPage(this.sourceId, response.body), bodyBytes: response.bodyBytes };
  }

  /** One audit log, or null when Zendesk has none with that id. */
  async getAuditLog(id: string, call: UpstreamCall): Promise<unknown | null> {
    const response = await this.http.send(
      { method: 'GET', path: `/api/v2/audit_logs/${encodeURIComponent(id)}`, headers: this.headers, acceptStatuses: [404] },
      call,
    );
    if (response.status === 404) return null;
    return isRecord(response.body) && isRecord(response.body.audit_log) ? response.body.audit_log : null;
  }
}

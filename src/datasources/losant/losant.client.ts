import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { isRecord } from '../wire-guards';
import { readLosantPage } from './losant.mapper';

/** Connection details of one Losant organisation. */
export interface LosantCredentials {
  readonly orgId: string;
  readonly apiToken: string;
}

/** Native list parameters in Losant's vocabulary. */
export interface LosantListParams {
  readonly sortDirection: 'asc' | 'desc';
  readonly page: number;
  readonly perPage: number;
  /** Epoch ms, inclusive. */
  readonly start?: number;
  /** Epoch ms, inclusive. */
  readonly end?: number;
  /** `auditLogFilter` as nested-bracket pairs, e.g. `[actor][0][id]` → value. */
  readonly filter: ReadonlyArray<readonly [string, string]>;
}

/** Losant's native calls. */
export class LosantClient {
  constructor(
    private readonly sourceId: string,
    private readonly http: UpstreamHttpClient,
    private readonly credentials: LosantCredentials,
  ) {}

  private get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.credentials.apiToken}` };
  }

  private get basePath(): string {
    return `/orgs/${encodeURIComponent(this.credentials.orgId)}/audit-logs`;
  }

  /** One offset page, sorted by creationDate. */
  async listAuditLogs(params: LosantListParams, call: UpstreamCall): Promise<{ items: unknown[]; totalCount: number; bodyBytes: number }> {
    const query: [string, string][] = [
      ['sortField', 'creationDate'],
      ['sortDirection', params.sortDirection],
      ['page', String(params.page)],
      ['perPage', String(params.perPage)],
    ];
    if (params.start !== undefined) query.push(['start', String(params.start)]);
    if (params.end !== undefined) query.push(['end', String(params.end)]);
    for (const [path, value] of params.filter) query.push([`auditLogFilter${path}`, value]);
    const response = await this.http.send({ method: 'GET', path: this.basePath, query, headers: this.headers }, call);
    return { ...readLosantPage(this.sourceId, response.body), bodyBytes: response.bodyBytes };
  }

  /** One audit log, or null when Losant has none with that id. */
  async getAuditLog(id: string, call: UpstreamCall): Promise<unknown | null> {
    const response = await this.http.send(
      { method: 'GET', path: `${this.basePath}/${encodeURIComponent(id)}`, headers: this.headers, acceptStatuses: [404] },
      call,
    );
    if (response.status === 404) return null;
    return isRecord(response.body) ? response.body : null;
  }
}

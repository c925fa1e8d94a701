import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { isRecord } from '../wire-guards';
import { readNirvanaPage } from './nirvana.mapper';

/** Native list parameters in Nirvana's vocabulary. */
export interface NirvanaListParams {
  /** 10..100. */
  readonly limit: number;
  readonly sort: 'created_at:asc' | 'created_at:desc';
  /** Only valid with the same filters and sort that produced it. */
  readonly cursor?: string;
  /** `created_at_min`, `action`, … single-valued. */
  readonly filters: ReadonlyArray<readonly [string, string]>;
}

/** Nirvana's native calls. */
export class NirvanaClient {
  constructor(
    private readonly sourceId: string,
    private readonly http: UpstreamHttpClient,
    private readonly apiKey: string,
  ) {}

  private get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  async listAuditLogs(
    params: NirvanaListParams,
    call: UpstreamCall,
  ): Promise<{ items: unknown[]; nextCursor: string | null; totalCount: number | null; bodyBytes: number }> {
    const query: [string, string][] = [
      ['limit', String(params.limit)],
      ['sort', params.sort],
    ];
    for (const [name, value] of params.filters) query.push([name, value]);
    if (params.cursor !== undefined) query.push(['cursor', params.cursor]);
    const response = await this.http.send({ method: 'GET', path: '/v1/audit_logs', query, headers: this.headers }, call);
    return { ...readNirvanaPage(this.sourceId, response.body), bodyBytes: response.bodyBytes };
  }

  /** One audit log, or null when Nirvana has none with that id. */
  async getAuditLog(id: string, call: UpstreamCall): Promise<unknown | null> {
    const response = await this.http.send(
      { method: 'GET', path: `/v1/audit_logs/${encodeURIComponent(id)}`, headers: this.headers, acceptStatuses: [404] },
      call,
    );
    if (response.status === 404) return null;
    return isRecord(response.body) ? response.body : null;
  }
}

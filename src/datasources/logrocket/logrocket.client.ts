import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { readLogRocketPage } from './logrocket.mapper';
import type { LogRocketAuditLog } from './logrocket.types';

/** Connection details of one LogRocket app. */
export interface LogRocketCredentials {
  readonly orgId: string;
  readonly appId: string;
  readonly apiKey: string;
}

/** LogRocket's native calls: ascending audit log pages from a timestamp or an opaque cursor. */
export class LogRocketClient {
  constructor(
    private readonly sourceId: string,
    private readonly http: UpstreamHttpClient,
    private readonly credentials: LogRocketCredentials,
  ) {}

  private get headers(): Record<string, string> {
    return { authorization: `token ${this.credentials.apiKey}` };
  }

  /** One page; `cursor` is epoch ms (logs at or after it) or a cursor LogRocket returned. */
  async listAuditLogs(
    params: { cursor?: string; limit: number },
    call: UpstreamCall,
  ): Promise<{ logs: LogRocketAuditLog[]; hasNext: boolean; cursor: string | null; bodyBytes: number }> {
    const { orgId, appId } = this.credentials;
    const query: [string, string][] = [['limit', String(params.limit)]];
    if (params.cursor !== undefined) query.push(['cursor', params.cursor]);
    const response = await this.http.send(
      {
        method: 'GET',
        // LogRocket needs the trailing slash.
        path: `/v1/orgs/${encodeURIComponent(orgId)}/apps/${encodeURIComponent(appId)}/audit/logs/`,
        query,
        headers: this.headers,
      },
      call,
    );
    return { ...readLogRocketPage(this.sourceId, response.body), bodyBytes: response.bodyBytes };
  }
}

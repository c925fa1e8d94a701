import type { Dispatcher } from 'undici';
import type { SourceConfig } from '../../config/config.schema';
import { AuditGraphError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { UpstreamHttpClient, type UpstreamCall, type UpstreamResponse } from '../http-client';
import { upstreamError } from '../upstream-errors';
import type { LogRocketCredentials } from './logrocket.client';
import {
  readDataExportPage,
  readHighlightsCreated,
  readLogRocketHighlights,
  readLogRocketUser,
  type LogRocketAppRef,
  type LogRocketDataExportPage,
  type LogRocketHighlights,
  type LogRocketUser,
} from './logrocket-rest.mapper';
import type { LogRocketHighlightsRequest, LogRocketUserRequest } from './logrocket-rest.types';

/** Largest `limit` of a data-export page. */
export const DATA_EXPORT_MAX_LIMIT = 100;

/**
 * LogRocket's REST calls besides the audit log: user upserts (PUT, retried like any idempotent
 * call), highlight requests (POST, never retried: a retry could start a second generation) and
 * polls, and data-export pages.
 */
export class LogRocketRestClient {
  /** What session URLs are built from. */
  readonly app: LogRocketAppRef;

  constructor(
    readonly sourceId: string,
    private readonly http: UpstreamHttpClient,
    private readonly credentials: LogRocketCredentials,
  ) {
    this.app = { orgId: credentials.orgId, appId: credentials.appId };
  }

  private get headers(): Record<string, string> {
    return { authorization: `token ${this.credentials.apiKey}` };
  }

  private path(suffix: string): string {
    const { orgId, appId } = this.credentials;
    return `/v1/orgs/${encodeURIComponent(orgId)}/apps/${encodeURIComponent(appId)}${suffix}`;
  }

  /**
   * Creates or updates a user. A 400 means LogRocket refused the values (a limit auditgraph does
   * not know of, e.g. on trait keys): that is the caller's input, not an upstream fault.
   */
  async upsertUser(userId: string, body: LogRocketUserRequest, requested: LogRocketUser, call: UpstreamCall): Promise<LogRocketUser> {
    const response = await this.http.send(
      { method: 'PUT', path: this.path(`/users/${encodeURIComponent(userId)}`), headers: this.headers, body, acceptStatuses: [400] },
      call,
    );
    if (response.status === 400) {
      throw new AuditGraphError(
        'BAD_USER_INPUT',
        `Source "${this.sourceId}" refused user "${userId}" as invalid (HTTP 400); check the traits' names and values against LogRocket's limits.`,
        { source: this.sourceId },
      );
    }
    return readLogRocketUser(this.sourceId, response.body, requested);
  }

  /** Starts a highlights generation; answers its request id (and state, when LogRocket gives it). */
  async createHighlights(body: LogRocketHighlightsRequest, call: UpstreamCall): Promise<LogRocketHighlights & { requestId: string }> {
    const response = await this.http.send(
      { method: 'POST', path: this.path('/highlights/'), headers: this.headers, body, idempotent: false, acceptStatuses: [400] },
      call,
    );
    if (response.status === 400) {
      throw new AuditGraphError(
        'BAD_USER_INPUT',
        `Source "${this.sourceId}" refused the highlights request as invalid (HTTP 400); check the user and the time range.`,
        { source: this.sourceId },
      );
    }
    return readHighlightsCreated(this.sourceId, response.body, this.app);
  }

  /** Polls one request; null when LogRocket does not know the id. */
  async getHighlights(requestId: string, call: UpstreamCall): Promise<LogRocketHighlights | null> {
    const response: UpstreamResponse = await this.http.send(
      { method: 'GET', path: this.path('/highlights/'), query: [['id', requestId]], headers: this.headers, acceptStatuses: [404] },
      call,
    );
    if (response.status === 404) return null;
    const read = readLogRocketHighlights(this.sourceId, response.body, this.app);
    if (read.requestId !== null && read.requestId !== requestId) {
      throw upstreamError(this.sourceId, { kind: 'malformed', detail: 'the highlights answer is for another request' });
    }
    return { ...read, requestId };
  }

  /** One page of exported sessions, from `cursor` or else from `sinceMs`. */
  async listDataExport(
    params: { cursor: string | null; sinceMs?: number; limit: number },
    call: UpstreamCall,
  ): Promise<LogRocketDataExportPage> {
    const query: [string, string][] = [['limit', String(Math.min(DATA_EXPORT_MAX_LIMIT, Math.max(1, params.limit)))]];
    if (params.cursor !== null) query.push(['cursor', params.cursor]);
    else if (params.sinceMs !== undefined) query.push(['date', String(params.sinceMs)]);
    const response = await this.http.send(
      // LogRocket's paths end with a slash.
      { method: 'GET', path: this.path('/data-export/'), query, headers: this.headers },
      call,
    );
    return readDataExportPage(this.sourceId, response.body);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** What the REST clients are built with besides their config. */
export interface LogRocketRestClientDependencies {
  readonly logger: Logger;
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  readonly onAttempt?: (info: { sourceId: string; status: number | 'error' | 'cancelled'; ms: number }) => void;
  /** The source's shared HTTP client (pool, outbound budget, breaker); a private one when absent. */
  readonly httpFor?: (sourceId: string) => UpstreamHttpClient | undefined;
}

/** One REST client per configured LogRocket source, keyed by source id. */
export function createLogRocketRestClients(
  sources: readonly SourceConfig[],
  deps: LogRocketRestClientDependencies,
): Map<string, LogRocketRestClient> {
  const clients = new Map<string, LogRocketRestClient>();
  for (const config of sources) {
    if (config.provider !== 'logrocket') continue;
    const http =
      deps.httpFor?.(config.id) ??
      new UpstreamHttpClient({
        sourceId: config.id,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        retries: config.retries,
        maxConnections: config.maxConnections,
        dispatcher: deps.dispatcher,
        logger: deps.logger,
        now: deps.now,
        onAttempt: deps.onAttempt,
      });
    clients.set(config.id, new LogRocketRestClient(config.id, http, config));
  }
  return clients;
}

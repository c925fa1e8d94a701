import type { Dispatcher } from 'undici';
import type { SourceConfig } from '../config/config.schema';
import type { Logger } from '../logging/logger';
import { UpstreamHttpClient } from './http-client';
import { LogRocketAdapter } from './logrocket/logrocket.adapter';
import { LosantAdapter } from './losant/losant.adapter';
import { NirvanaAdapter } from './nirvana/nirvana.adapter';
import type { SourceAdapter } from './source-adapter';
import { ZendeskAdapter } from './zendesk/zendesk.adapter';

/** What adapters are built with besides their config. */
export interface AdapterDependencies {
  readonly logger: Logger;
  /** Shared dispatcher (tests: MockAgent); default: one keep-alive pool per source. */
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  readonly onAttempt?: (info: { sourceId: string; status: number | 'error'; ms: number }) => void;
}

/** One adapter per configured source. */
export function createAdapter(source: SourceConfig, deps: AdapterDependencies): SourceAdapter {
  const http = new UpstreamHttpClient({
    sourceId: source.id,
    baseUrl: source.baseUrl,
    timeoutMs: source.timeoutMs,
    retries: source.retries,
    maxConnections: source.maxConnections,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    now: deps.now,
    onAttempt: deps.onAttempt,
  });
  const common = { id: source.id, http, maxPageSize: source.pageSize };
  switch (source.provider) {
    case 'logrocket':
      return new LogRocketAdapter({ ...common, orgId: source.orgId, appId: source.appId, apiKey: source.apiKey, now: deps.now });
    case 'zendesk':
      return new ZendeskAdapter({ ...common, email: source.email, apiToken: source.apiToken, oauthToken: source.oauthToken });
    case 'losant':
      return new LosantAdapter({ ...common, orgId: source.orgId, apiToken: source.apiToken });
    case 'nirvana':
      return new NirvanaAdapter({ ...common, apiKey: source.apiKey });
  }
}

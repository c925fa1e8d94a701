import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { SourceConfig } from '../config/config.schema';
import type { ProviderKind } from '../domain/audit-event';
import type { Logger } from '../logging/logger';
import type { PageCache } from './cache/page-cache';
import { UpstreamHttpClient, type UpstreamSample } from './http-client';
import { CircuitBreaker, type CircuitState } from './protection/circuit-breaker';
import { FairShare } from './protection/fair-share';
import { OutboundPacer } from './protection/outbound-pacer';
import { MemoryPacingStore, type PacingStore } from './protection/pacing-store';
import { ConfiguredSource } from './configured-source';
import type { ProviderAdapter } from './provider-adapter';
import type { ProviderDefinition } from './provider-definition';
import { providerNamed } from './providers';
import type { SourceAdapter } from './source-adapter';

/** What adapters are built with besides their config. */
export interface AdapterDependencies {
  readonly logger: Logger;
  /** Shared dispatcher (tests: MockAgent); default: one keep-alive pool per source. */
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  readonly onAttempt?: (sample: UpstreamSample) => void;
  /** Shared native page cache; absent to read without one. */
  readonly pageCache?: PageCache;
  /** Told when a source's circuit breaker changes state. */
  readonly onBreakerChange?: (sourceId: string, state: CircuitState) => void;
  /** Told when the source's outbound budget refuses a request. */
  readonly onThrottled?: (sourceId: string) => void;
  /** Where outbound budgets live (Redis shares them between instances); default: this client's own memory. */
  readonly outboundStore?: PacingStore;
}

/** A digest of everything that decides what a source's credentials may read; never the credentials themselves. */
export function credentialFingerprint(source: SourceConfig): string {
  const material = JSON.stringify(
    Object.entries(source)
      .filter(([key]) => !['timeoutMs', 'retries', 'maxConnections', 'pageSize'].includes(key))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHash('sha256').update(material).digest('base64url').slice(0, 16);
}

/**
 * Whose quota a source spends, hashed (never the credentials themselves): the base URL and the
 * settings its provider names as the quota's owner (none for Zendesk, whose budget belongs to
 * the account's subdomain whatever the credentials).
 */
export function outboundBudgetKey(source: SourceConfig): string {
  const quota = new Set<string>(providerNamed(source.provider).quotaSettings);
  const material = [
    source.provider,
    source.baseUrl,
    ...Object.entries(source)
      .filter(([key]) => quota.has(key))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ];
  return `${source.provider}:${createHash('sha256').update(JSON.stringify(material)).digest('base64url').slice(0, 16)}`;
}

/**
 * The one HTTP client of a source: its keep-alive pool, outbound budget and circuit breaker, shared
 * by everything that calls the source (audit log and, for LogRocket, users and highlights).
 */
export function createSourceHttpClient(source: SourceConfig, deps: AdapterDependencies): UpstreamHttpClient {
  const now = deps.now ?? Date.now;
  return new UpstreamHttpClient({
    sourceId: source.id,
    baseUrl: source.baseUrl,
    timeoutMs: source.timeoutMs,
    retries: source.retries,
    maxConnections: source.maxConnections,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    now: deps.now,
    onAttempt: deps.onAttempt,
    onThrottled: deps.onThrottled,
    rateLimit: new OutboundPacer({
      key: outboundBudgetKey(source),
      sourceId: source.id,
      requestsPerMinute: source.requestsPerMinute,
      store: deps.outboundStore ?? new MemoryPacingStore(),
      logger: deps.logger,
      now,
    }),
    // As many slots as the pool has connections: the pool never queues, the fair share does.
    fairShare: new FairShare({ slots: source.maxConnections, now }),
    breaker: new CircuitBreaker({
      failureThreshold: source.breakerFailures,
      resetMs: source.breakerResetMs,
      now,
      onStateChange: (state) => deps.onBreakerChange?.(source.id, state),
    }),
  });
}

/** The provider adapter of a configured source, from its registered definition. */
function providerAdapterFor(source: SourceConfig, http: UpstreamHttpClient): ProviderAdapter {
  const provider = providerNamed(source.provider) as ProviderDefinition;
  return provider.createAdapter(source, {
    ref: { id: source.id, provider: provider.kind as ProviderKind },
    http,
    pageLimits: { min: provider.pageSize.min, max: source.pageSize },
  });
}

/** One source per configured source, on the source's HTTP client. */
export function createAdapter(source: SourceConfig, deps: AdapterDependencies, http = createSourceHttpClient(source, deps)): SourceAdapter {
  return new ConfiguredSource(providerAdapterFor(source, http), {
    pages: deps.pageCache,
    credentials: credentialFingerprint(source),
    now: deps.now,
    close: () => http.close(),
  });
}

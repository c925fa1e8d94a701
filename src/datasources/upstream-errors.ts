import { AuditGraphError } from '../errors';

/** What went wrong talking to a provider, before it becomes a client-facing error. */
export type UpstreamFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'deadline' }
  | { readonly kind: 'network' }
  | { readonly kind: 'malformed'; readonly detail: string }
  /** Our own circuit breaker is open after repeated failures. */
  | { readonly kind: 'circuitOpen'; readonly retryAfterSeconds: number }
  /** Our own outbound rate limit for the source is spent. */
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/**
 * The one place that turns upstream faults into the contract's error codes. Messages name the
 * source and say what to do; they never carry the upstream body, a URL with credentials, or a
 * header.
 */
export function upstreamError(sourceId: string, fault: UpstreamFault, cause?: unknown): AuditGraphError {
  const options = { source: sourceId, cause };
  switch (fault.kind) {
    case 'timeout':
      return new AuditGraphError('UPSTREAM_TIMEOUT', `Source "${sourceId}" did not answer in time; try again shortly.`, options);
    case 'deadline':
      return new AuditGraphError(
        'UPSTREAM_TIMEOUT',
        `Source "${sourceId}" could not be read within this request's time limit; try again, or ask for a smaller page.`,
        options,
      );
    case 'network':
      return new AuditGraphError('UPSTREAM_UNAVAILABLE', `Source "${sourceId}" could not be reached; try again shortly.`, options);
    case 'malformed':
      return new AuditGraphError(
        'UPSTREAM_BAD_RESPONSE',
        `Source "${sourceId}" sent a response auditgraph could not read (${fault.detail}); try again, and report it if it persists.`,
        options,
      );
    case 'circuitOpen':
      return new AuditGraphError(
        'UPSTREAM_UNAVAILABLE',
        `Source "${sourceId}" failed repeatedly, so auditgraph stopped calling it for now; try again in ${fault.retryAfterSeconds} s.`,
        { ...options, extensions: { retryAfter: fault.retryAfterSeconds } },
      );
    case 'throttled':
      return new AuditGraphError(
        'UPSTREAM_RATE_LIMITED',
        `auditgraph's request budget for source "${sourceId}" is spent (it protects the provider's quota); try again in ${fault.retryAfterSeconds} s.`,
        { ...options, extensions: { retryAfter: fault.retryAfterSeconds } },
      );
    case 'status':
      break;
  }
  const { status } = fault;
  if (status === 401 || status === 403) {
    return new AuditGraphError(
      'UPSTREAM_AUTH_FAILED',
      `Source "${sourceId}" rejected auditgraph's credentials (HTTP ${status}); an operator must check this source's credentials and permissions in the configuration.`,
      options,
    );
  }
  if (status === 429) {
    return new AuditGraphError(
      'UPSTREAM_RATE_LIMITED',
      `Source "${sourceId}" is rate limiting auditgraph; try again${fault.retryAfterSeconds !== undefined ? ` in ${fault.retryAfterSeconds} s` : ' later'}.`,
      { ...options, extensions: fault.retryAfterSeconds !== undefined ? { retryAfter: fault.retryAfterSeconds } : {} },
    );
  }
  if (status === 408 || status === 504) {
    return new AuditGraphError('UPSTREAM_TIMEOUT', `Source "${sourceId}" timed out (HTTP ${status}); try again shortly.`, options);
  }
  if (status >= 500) {
    return new AuditGraphError('UPSTREAM_UNAVAILABLE', `Source "${sourceId}" is failing (HTTP ${status}); try again shortly.`, options);
  }
  if (status === 404) {
    return new AuditGraphError(
      'UPSTREAM_BAD_RESPONSE',
      `Source "${sourceId}" answered 404 for its audit log; an operator should check this source's baseUrl and account ids.`,
      options,
    );
  }
  return new AuditGraphError(
    'UPSTREAM_BAD_RESPONSE',
    `Source "${sourceId}" refused the request (HTTP ${status}); report this if it persists.`,
    options,
  );
}

/** Statuses worth another attempt for an idempotent request. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** Parses `Retry-After-Ms`, `Retry-After` (seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const ms = pick('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const after = pick('retry-after');
  if (after === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

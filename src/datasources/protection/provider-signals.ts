import { retryAfterMs } from '../upstream-errors';
import type { ProviderSignals } from './pacing-policy';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function count(headers: Headers, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = header(headers, name)?.trim();
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/**
 * Reads what an answer says about the provider's budget: Zendesk's `X-Rate-Limit` and
 * `X-Rate-Limit-Remaining` (or their `ratelimit-limit` / `ratelimit-remaining` twins, with
 * `ratelimit-reset` in seconds, which Zendesk's list endpoints also send), and for a 429 its
 * `Retry-After-Ms` or `Retry-After` (seconds or an HTTP date). Unreadable values are ignored.
 */
export function readProviderSignals(status: number, headers: Headers, now: number): ProviderSignals {
  const limit = count(headers, 'x-rate-limit', 'ratelimit-limit');
  const remaining = count(headers, 'x-rate-limit-remaining', 'ratelimit-remaining');
  const reset = count(headers, 'ratelimit-reset');
  const wait = status === 429 ? retryAfterMs(headers, now) : undefined;
  return {
    status,
    ...(limit !== undefined && limit > 0 && remaining !== undefined ? { limit, remaining: Math.min(remaining, limit) } : {}),
    ...(reset !== undefined ? { resetInMs: reset * 1000 } : {}),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

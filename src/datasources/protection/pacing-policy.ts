/**
 * What every instance sharing a provider account knows about its outbound budget. Plain data, so
 * it can live in process memory or, as JSON, in Redis. Times are epoch ms.
 */
export interface PacingState {
  /** Until when the provider asked for no calls (a 429); 0 for none. */
  pauseUntil: number;
  /** Consecutive 429s, for the pause when the provider does not say how long. */
  strikes: number;
  /** The provider's own per-window quota, learned from its headers; absent when it sends none. */
  window?: ProviderWindow;
  /** Theoretical arrival time (GCRA) of each configured cap, by source id. */
  caps: Record<string, number>;
}

/** A provider's quota window as learned from its headers (Zendesk: per account per minute). */
export interface ProviderWindow {
  /** Requests the provider allows per window (`X-Rate-Limit`). */
  limit: number;
  /** Estimate of what is left: the last `X-Rate-Limit-Remaining`, less what was sent since. */
  remaining: number;
  /** When the window is estimated to end: never earlier than the provider's, when it does not say. */
  endsAt: number;
  /** Earliest start of the next call while the remaining budget is spread; 0 for none. */
  nextAt: number;
  /** Calls sent and not yet answered, so an answer counting fewer of them is not taken for a new window. */
  inFlight: number;
}

/** Tunables of the pacing rules; {@link DEFAULT_PACING_POLICY} explains each default. */
export interface PacingPolicy {
  /** Share of the provider's limit the gateway never spends (at least one request). */
  readonly reserveShare: number;
  /** Share of the limit at and below which what is above the reserve is spread over the rest of the window. */
  readonly spreadBelowShare: number;
  /** Window length assumed when the provider does not say when its window resets, ms. */
  readonly windowMs: number;
  /** Pause after a 429 without a usable Retry-After, ms; doubles for each consecutive one. */
  readonly strikePauseMs: number;
  /** Longest pause after 429s without a usable Retry-After, ms. */
  readonly maxStrikePauseMs: number;
  /** Longest pause honoured from one Retry-After, ms (guards against a nonsensical date). */
  readonly maxPauseMs: number;
}

/**
 * Defaults. The reserve: a tenth of the provider's per-window limit (Zendesk Enterprise: 70 of
 * 700) is left to the account's other clients (agents' apps, integrations, automations) and
 * absorbs what they spend between two of our observations. Spreading from half the limit down:
 * the gateway can take a burst while the account is well off, but never drains it in one; the
 * window is a minute (Zendesk's), assumed to have just begun when the provider gives no reset time.
 */
export const DEFAULT_PACING_POLICY: PacingPolicy = {
  reserveShare: 0.1,
  spreadBelowShare: 0.5,
  windowMs: 60_000,
  strikePauseMs: 1_000,
  maxStrikePauseMs: 60_000,
  maxPauseMs: 10 * 60_000,
};

/** A configured cap as the GCRA sees it. */
export interface CapRule {
  /** Source id the cap belongs to. */
  readonly id: string;
  /** ms between two calls at the sustained rate. */
  readonly intervalMs: number;
  /** How far ahead of the sustained rate a burst may run, ms. */
  readonly toleranceMs: number;
}

/** A cap of `perMinute` calls: a burst of a tenth of a minute's worth (at least 1), then the sustained rate. */
export function capRule(id: string, perMinute: number): CapRule {
  const intervalMs = 60_000 / perMinute;
  const burst = Math.max(1, Math.ceil(perMinute / 10));
  return { id, intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/** Which rule decided when a call may start. */
export type PacingReason = 'paused' | 'provider' | 'cap';

/** The verdict on one call: when it may start, or why not within its wait. */
export type PacingPlan =
  { readonly go: true; readonly at: number } | { readonly go: false; readonly retryAfterMs: number; readonly reason: PacingReason };

/** What a provider's answer says about its budget. */
export interface ProviderSignals {
  readonly status: number;
  readonly limit?: number;
  readonly remaining?: number;
  /** ms until the provider's window resets, when it says. */
  readonly resetInMs?: number;
  /** ms the provider asked to wait (a 429's Retry-After or Retry-After-Ms). */
  readonly retryAfterMs?: number;
}

/** A state with nothing learned yet. */
export function emptyPacingState(): PacingState {
  return { pauseUntil: 0, strikes: 0, caps: {} };
}

function freshWindow(limit: number, remaining: number, endsAt: number, inFlight: number): ProviderWindow {
  return { limit, remaining, endsAt, nextAt: 0, inFlight };
}

/**
 * Decides when one call may start, reserving its place (its cap slot and its share of the
 * provider's remaining budget) when that is within `maxWaitMs`; the state is returned changed
 * only then. Calls that land in the next provider window are not counted against this one.
 */
export function planCall(
  state: PacingState,
  now: number,
  maxWaitMs: number,
  cap: CapRule | undefined,
  policy: PacingPolicy = DEFAULT_PACING_POLICY,
): { plan: PacingPlan; state?: PacingState } {
  let at = now;
  let reason: PacingReason = 'cap';
  if (state.pauseUntil > at) {
    at = state.pauseUntil;
    reason = 'paused';
  }
  const tat = cap ? state.caps[cap.id] : undefined;
  if (cap && tat !== undefined && tat - cap.toleranceMs > at) {
    at = tat - cap.toleranceMs;
    reason = 'cap';
  }
  let window = state.window;
  let counted: ProviderWindow | undefined;
  if (window) {
    if (now >= window.endsAt) window = freshWindow(window.limit, window.limit, now + policy.windowMs, 0);
    if (at < window.endsAt) {
      const reserve = Math.max(1, Math.ceil(window.limit * policy.reserveShare));
      const spreadBelow = Math.max(reserve, Math.ceil(window.limit * policy.spreadBelowShare));
      let nextAt = window.nextAt;
      if (window.remaining <= spreadBelow) {
        if (window.nextAt > at) {
          at = window.nextAt;
          reason = 'provider';
        }
        const spendable = window.remaining - reserve;
        if (at < window.endsAt && spendable < 1) {
          at = window.endsAt;
          reason = 'provider';
        }
        if (at < window.endsAt) nextAt = at + (window.endsAt - at) / spendable;
      }
      if (at < window.endsAt) counted = { ...window, remaining: window.remaining - 1, nextAt, inFlight: window.inFlight + 1 };
    }
  }
  if (at - now >= maxWaitMs) return { plan: { go: false, retryAfterMs: Math.max(1, Math.ceil(at - now)), reason } };
  const changedCap = cap !== undefined;
  const changedWindow = counted !== undefined || window !== state.window;
  if (!changedCap && !changedWindow) return { plan: { go: true, at } };
  return {
    plan: { go: true, at },
    state: {
      ...state,
      window: counted ?? window,
      caps: cap ? { ...state.caps, [cap.id]: Math.max(tat ?? at, at) + cap.intervalMs } : state.caps,
    },
  };
}

/**
 * Folds what a provider answered into the state: its quota headers re-anchor the window (a
 * remaining count higher than could be explained by calls still in flight means a new window),
 * and a 429 pauses every call until its Retry-After, or for a doubling pause when it gives none.
 * Returns undefined when nothing changes.
 */
export function observeAnswer(
  state: PacingState,
  signals: ProviderSignals,
  now: number,
  policy: PacingPolicy = DEFAULT_PACING_POLICY,
): PacingState | undefined {
  let window = state.window;
  if (window && window.inFlight > 0) window = { ...window, inFlight: window.inFlight - 1 };
  const { limit, remaining, resetInMs } = signals;
  if (limit !== undefined && remaining !== undefined) {
    const endsAt = resetInMs !== undefined ? now + resetInMs : undefined;
    if (!window || now >= window.endsAt || remaining > window.remaining + window.inFlight) {
      window = freshWindow(limit, remaining, endsAt ?? now + policy.windowMs, window?.inFlight ?? 0);
    } else {
      window = { ...window, limit, remaining: Math.min(window.remaining, remaining), endsAt: endsAt ?? window.endsAt };
    }
  }
  let { pauseUntil, strikes } = state;
  if (signals.status === 429) {
    strikes += 1;
    const pauseMs = signals.retryAfterMs ?? Math.min(policy.maxStrikePauseMs, policy.strikePauseMs * 2 ** (strikes - 1));
    pauseUntil = Math.max(pauseUntil, now + Math.min(pauseMs, policy.maxPauseMs));
    // "None left, retry after N s" dates the end of the provider's window better than our estimate.
    if (window && signals.remaining === 0 && signals.retryAfterMs !== undefined && signals.resetInMs === undefined) {
      window = { ...window, remaining: 0, endsAt: Math.min(window.endsAt, now + signals.retryAfterMs) };
    }
  } else {
    strikes = 0;
  }
  if (window === state.window && pauseUntil === state.pauseUntil && strikes === state.strikes) return undefined;
  return { ...state, window, pauseUntil, strikes };
}

/** How long a stored state stays useful, ms: until its last time has passed, plus two minutes. */
export function pacingStateTtlMs(state: PacingState, now: number): number {
  const latest = Math.max(state.pauseUntil, state.window?.endsAt ?? 0, ...Object.values(state.caps));
  return Math.ceil(Math.max(0, latest - now)) + 120_000;
}

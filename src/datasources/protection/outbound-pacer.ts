import type { Logger } from '../../logging/logger';
import {
  capRule,
  DEFAULT_PACING_POLICY,
  observeAnswer,
  planCall,
  type CapRule,
  type PacingPolicy,
  type PacingReason,
  type PacingState,
} from './pacing-policy';
import type { PacingStore } from './pacing-store';
import { readProviderSignals } from './provider-signals';

/** Why a call was refused before it was sent, and when to try again. */
export class BudgetRefusal extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly reason: PacingReason,
  ) {
    super('outbound budget spent');
  }
}

/** What the HTTP client of a source asks before each attempt and tells after each answer. */
export interface OutboundBudget {
  /**
   * Resolves when a call may start. Waits as long as `deadline` allows, then throws
   * {@link BudgetRefusal}; rejects with the signal's reason as soon as `signal` aborts.
   */
  acquire(deadline: number, signal?: AbortSignal): Promise<void>;
  /** Tells the budget what the provider answered (status and headers); never throws. */
  observe(status: number, headers: Record<string, string | string[] | undefined>, now: number): void;
}

/** Options of an {@link OutboundPacer}. */
export interface OutboundPacerOptions {
  /** The provider account whose budget this is; sources on one account share it. */
  readonly key: string;
  readonly sourceId: string;
  /** Configured cap for this source; absent for none. */
  readonly requestsPerMinute?: number;
  readonly store: PacingStore;
  readonly logger?: Logger;
  readonly policy?: Partial<PacingPolicy>;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Paces one source's calls by what its provider says: a 429's Retry-After pauses every call, and
 * a quota reported in headers (Zendesk) is spent freely down to half, then spread over the rest
 * of its window, keeping a reserve for the account's other clients; plus the configured cap, if
 * any. No rule applies to a provider that states no limit. A call waits for its turn as long as
 * its deadline allows.
 */
export class OutboundPacer implements OutboundBudget {
  private readonly cap?: CapRule;
  private readonly policy: PacingPolicy;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Whether the last state seen needs answers without quota headers recorded too. */
  private tracking = false;

  constructor(private readonly options: OutboundPacerOptions) {
    this.cap = options.requestsPerMinute ? capRule(options.sourceId, options.requestsPerMinute) : undefined;
    this.policy = { ...DEFAULT_PACING_POLICY, ...options.policy };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  private seen(state: PacingState): void {
    this.tracking = state.window !== undefined || state.strikes > 0;
  }

  async acquire(deadline: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const plan = await this.options.store.update(this.options.key, (state) => {
      this.seen(state);
      const now = this.now();
      const step = planCall(state, now, deadline - now, this.cap, this.policy);
      return { result: step.plan, state: step.state };
    });
    if (!plan.go) throw new BudgetRefusal(plan.retryAfterMs, plan.reason);
    let wait = plan.at - this.now();
    while (wait > 0) {
      await this.sleep(wait, signal);
      // A 429 elsewhere may have paused the source while this call waited for its turn.
      const pauseUntil = await this.options.store.update(this.options.key, (state) => ({ result: state.pauseUntil }));
      const now = this.now();
      if (pauseUntil >= deadline) throw new BudgetRefusal(Math.ceil(pauseUntil - now), 'paused');
      wait = pauseUntil - now;
    }
    signal?.throwIfAborted();
  }

  observe(status: number, headers: Record<string, string | string[] | undefined>, now: number): void {
    try {
      const signals = readProviderSignals(status, headers, now);
      if (signals.limit === undefined && status !== 429 && !this.tracking) return;
      this.options.store
        .update(
          this.options.key,
          (state) => {
            const next = observeAnswer(state, signals, now, this.policy);
            this.seen(next ?? state);
            return { result: undefined, state: next };
          },
          { mirror: true },
        )
        .catch((error: unknown) =>
          this.options.logger?.warn({ source: this.options.sourceId, err: String(error) }, 'outbound budget not updated'),
        );
    } catch (error) {
      this.options.logger?.warn({ source: this.options.sourceId, err: String(error) }, 'outbound budget not updated');
    }
  }
}

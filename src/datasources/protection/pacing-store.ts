import { emptyPacingState, type PacingState } from './pacing-policy';

/** One atomic step on a budget's state: what to answer, and the new state if it changed. */
export type PacingChange<T> = (state: PacingState) => { readonly result: T; readonly state?: PacingState };

/**
 * Where outbound budgets live: in process, or shared by every instance (Redis). `change` may run
 * more than once for one call (optimistic retries), so any side effect must be idempotent.
 */
export interface PacingStore {
  /**
   * Applies `change` to the state of `key` atomically. `mirror` also applies it to the in-process
   * fallback of a shared store, so what the provider said survives the shared store going away.
   */
  update<T>(key: string, change: PacingChange<T>, options?: { readonly mirror?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/** Budgets of this process only. */
export class MemoryPacingStore implements PacingStore {
  private readonly states = new Map<string, PacingState>();

  /** The same step, synchronously (the shared store's fallback). */
  apply<T>(key: string, change: PacingChange<T>): T {
    const { result, state } = change(this.states.get(key) ?? emptyPacingState());
    if (state) this.states.set(key, state);
    return result;
  }

  update<T>(key: string, change: PacingChange<T>): Promise<T> {
    return Promise.resolve(this.apply(key, change));
  }

  async close(): Promise<void> {
    this.states.clear();
  }
}

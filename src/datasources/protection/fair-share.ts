/** Options of a {@link FairShare}. */
export interface FairShareOptions {
  /** Calls in flight at once, all tenants together: the source's connection pool. */
  readonly slots: number;
  /**
   * Largest part of the slots one tenant may hold while another tenant used the source within
   * `activeWindowMs`; default 0.75 (at least one slot is always left for the others).
   */
  readonly share?: number;
  /** How long a tenant counts as a user of the source after its last call, ms; default 10 000. */
  readonly activeWindowMs?: number;
  readonly now?: () => number;
}

/** A call that waited in line past its deadline. */
export class FairShareTimeout extends Error {
  constructor() {
    super('no free slot before the deadline');
  }
}

interface Waiter {
  readonly tenant: string;
  readonly deadline: number;
  grant(): void;
  fail(error: unknown): void;
}

/**
 * Fair admission to one source's calls. At most `slots` calls run at once; a tenant alone may
 * use them all, but while other tenants use the source none holds more than its share, and
 * waiting calls are served round-robin by tenant, first come first served within a tenant. So a
 * burst of one tenant queues behind itself, and another tenant's call starts at once.
 */
export class FairShare {
  private readonly inFlight = new Map<string, number>();
  private readonly lastSeen = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  private running = 0;
  /** Tenant served last, for the round-robin. */
  private cursor = '';
  private readonly now: () => number;

  constructor(private readonly options: FairShareOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Calls in flight and waiting, for tests and leak checks. */
  get load(): { running: number; waiting: number } {
    let waiting = 0;
    for (const queue of this.queues.values()) waiting += queue.length;
    return { running: this.running, waiting };
  }

  /**
   * Resolves with a release function once `tenant` may start a call; rejects with
   * {@link FairShareTimeout} at `deadline`, or with the signal's reason when it aborts.
   */
  acquire(tenant: string, deadline: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    this.lastSeen.set(tenant, this.now());
    if (this.queues.size === 0 && this.mayStart(tenant)) return Promise.resolve(this.start(tenant));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => settle(() => reject(signal?.reason));
      const settle = (then: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.remove(waiter);
        then();
      };
      const waiter: Waiter = {
        tenant,
        deadline,
        grant: () => settle(() => resolve(this.start(tenant))),
        fail: (error) => settle(() => reject(error)),
      };
      const queue = this.queues.get(tenant) ?? [];
      queue.push(waiter);
      this.queues.set(tenant, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
      const waitMs = deadline - this.now();
      // setTimeout fires at once for anything past 2^31 - 1 ms (an unbounded deadline).
      if (waitMs < 2 ** 31 - 1) {
        timer = setTimeout(() => waiter.fail(new FairShareTimeout()), Math.max(0, waitMs));
        timer.unref?.();
      }
      // Others may be waiting only for their own share: this call may still start now.
      this.dispatch();
    });
  }

  private limitFor(tenant: string): number {
    const { slots } = this.options;
    const window = this.options.activeWindowMs ?? 10_000;
    const now = this.now();
    let others = false;
    for (const [other, seen] of this.lastSeen) {
      if (other === tenant) continue;
      if (now - seen <= window || (this.inFlight.get(other) ?? 0) > 0 || this.queues.has(other)) others = true;
      else if (now - seen > window) this.lastSeen.delete(other);
    }
    if (!others) return slots;
    return Math.max(1, Math.min(slots - 1, Math.floor(slots * (this.options.share ?? 0.75))));
  }

  private mayStart(tenant: string): boolean {
    return this.running < this.options.slots && (this.inFlight.get(tenant) ?? 0) < this.limitFor(tenant);
  }

  private start(tenant: string): () => void {
    this.cursor = tenant;
    this.running += 1;
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.inFlight.get(tenant) ?? 1) - 1;
      if (left > 0) this.inFlight.set(tenant, left);
      else this.inFlight.delete(tenant);
      this.lastSeen.set(tenant, this.now());
      this.dispatch();
    };
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues.get(waiter.tenant);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(waiter.tenant);
  }

  /** Grants free slots round-robin to the tenants that may start one. */
  private dispatch(): void {
    while (this.running < this.options.slots && this.queues.size > 0) {
      const tenants = [...this.queues.keys()].sort();
      const after = tenants.findIndex((t) => t > this.cursor);
      const order = after === -1 ? tenants : [...tenants.slice(after), ...tenants.slice(0, after)];
      const next = order.find((tenant) => (this.inFlight.get(tenant) ?? 0) < this.limitFor(tenant));
      if (next === undefined) return;
      this.queues.get(next)![0].grant();
    }
  }
}

import type { Fault } from './simulator.types';

/** What to do with one request, after consulting the active faults. */
export interface FaultDecision {
  /** Total delay to add before answering (or dropping), ms. */
  latencyMs: number;
  /** The first matching fault that replaces the normal answer, if any. */
  outcome?:
    { kind: 'drop' } | { kind: 'status'; status: number } | { kind: 'rateLimited'; retryAfterSeconds: number } | { kind: 'malformed' };
}

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

/** Holds injected faults and decides, request by request, which of them apply. */
export class FaultInjector {
  private active: ActiveFault[] = [];

  /** Adds a fault; it applies to matching requests until `times` runs out or {@link clear}. */
  inject(fault: Fault): void {
    this.active.push({ fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** Removes every fault. */
  clear(): void {
    this.active = [];
  }

  /** Consumes one use of every fault that matches `path` and combines them into a decision. */
  take(path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const entry of this.active) {
      if (entry.remaining <= 0) continue;
      const { fault } = entry;
      if (fault.pathIncludes !== undefined && !path.includes(fault.pathIncludes)) continue;
      entry.remaining -= 1;
      decision.latencyMs += Math.max(0, fault.latencyMs ?? 0);
      decision.outcome ??= outcomeOf(fault);
    }
    this.active = this.active.filter((entry) => entry.remaining > 0);
    return decision;
  }
}

function outcomeOf(fault: Fault): FaultDecision['outcome'] {
  if (fault.drop) return { kind: 'drop' };
  if (fault.status !== undefined) return { kind: 'status', status: fault.status };
  if (fault.rateLimited) return { kind: 'rateLimited', retryAfterSeconds: fault.rateLimited.retryAfterSeconds };
  if (fault.malformed) return { kind: 'malformed' };
  return undefined;
}

import { RequestCancelled } from '../errors';
import type { UpstreamCall } from './http-client';

interface Flight {
  readonly controller: AbortController;
  readonly promise: Promise<unknown>;
  callers: number;
}

/**
 * Concurrent identical upstream reads share one flight. The flight runs on a call of its own:
 * a caller that goes away (its signal aborts) leaves at once with {@link RequestCancelled}, and the
 * flight goes on for the others; only when every caller has left is the upstream work cancelled.
 * A caller that joins later inherits the flight's deadline, which is never later than its own
 * (every request of an instance has the same time limit).
 */
export class SharedFlights {
  private readonly flights = new Map<string, Flight>();

  /** Whether a flight for `key` is running (a call now would join it). */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  /** Number of flights running, for tests and leak checks. */
  get size(): number {
    return this.flights.size;
  }

  /** Joins the flight for `key`, or starts one with `task`, which receives the flight's own call. */
  run<T>(key: string, call: UpstreamCall, task: (call: UpstreamCall) => Promise<T>): Promise<T> {
    if (call.signal?.aborted) return Promise.reject(new RequestCancelled(call.signal.reason));
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const own: UpstreamCall = { deadline: call.deadline, signal: controller.signal, observe: call.observe, tenantId: call.tenantId };
      const started: Flight = {
        controller,
        callers: 0,
        promise: task(own).finally(() => {
          if (this.flights.get(key) === started) this.flights.delete(key);
        }),
      };
      // Whoever is still waiting sees the outcome; a flight everybody left must not be unhandled.
      started.promise.catch(() => undefined);
      this.flights.set(key, started);
      flight = started;
    }
    return this.join(key, flight, call) as Promise<T>;
  }

  private join(key: string, flight: Flight, call: UpstreamCall): Promise<unknown> {
    flight.callers += 1;
    const { signal } = call;
    if (!signal) return flight.promise.finally(() => this.leave(key, flight, false));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.leave(key, flight, true);
        reject(new RequestCancelled(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          this.leave(key, flight, false);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          this.leave(key, flight, false);
          reject(error);
        },
      );
    });
  }

  private leave(key: string, flight: Flight, cancelled: boolean): void {
    flight.callers -= 1;
    if (!cancelled || flight.callers > 0) return;
    if (this.flights.get(key) === flight) this.flights.delete(key);
    flight.controller.abort(new RequestCancelled('every caller left'));
  }
}

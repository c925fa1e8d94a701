import type { AllSimulators } from './index';
import { createSeededRandom } from './seeded-random';

/** Options of {@link startDemoActivity}. */
export interface DemoActivityOptions {
  /** Mean time between two new events over all four simulators, ms; default 3000. */
  readonly everyMs?: number;
  readonly seed?: number;
}

/**
 * Keeps demo mode alive: a new event lands in one of the simulators every few seconds (at a
 * jittered interval, in a random provider), so that a live tail (`auditEventAdded`) in Sandbox
 * has something to show. Returns the function that stops it.
 */
export function startDemoActivity(simulators: AllSimulators, options: DemoActivityOptions = {}): () => void {
  const random = createSeededRandom(options.seed ?? 20_261_206);
  const mean = options.everyMs ?? 3_000;
  const providers = [simulators.logrocket, simulators.zendesk, simulators.losant, simulators.nirvana];
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(
      () => {
        providers[random.int(0, providers.length - 1)]!.insert(1);
        schedule();
      },
      Math.round(mean * (0.5 + random.next())),
    );
    timer.unref();
  };
  schedule();
  return () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
}

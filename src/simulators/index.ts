import { startLogRocketSimulator, type LogRocketSimulator } from './logrocket.simulator';
import { startLosantSimulator, type LosantSimulator } from './losant.simulator';
import { startNirvanaSimulator, type NirvanaSimulator } from './nirvana.simulator';
import type { SimulatorOptions } from './simulator.types';
import { startZendeskSimulator, type ZendeskSimulator } from './zendesk.simulator';

export * from './simulator.types';
export * from './seeded-random';
export * from './fault-injector';
export * from './timestamp-plan';
export * from './opaque-cursor';
export * from './simulator-server';
export * from './logrocket.simulator';
export * from './zendesk.simulator';
export * from './losant.simulator';
export * from './nirvana.simulator';
export { LogRocketEventFactory, logRocketCreatedDate, logRocketDisplayTime } from './logrocket-event.factory';
export { ZendeskEventFactory } from './zendesk-event.factory';
export { LosantEventFactory, objectId } from './losant-event.factory';
export { NirvanaEventFactory } from './nirvana-event.factory';
export { matchesLosantAuditLogFilter, parseLosantAuditLogFilter } from './losant-filter';

/** Options shared by all four simulators started by {@link startAllSimulators}. */
export type AllSimulatorsOptions = Pick<SimulatorOptions, 'seed' | 'count' | 'now' | 'bigTieGroup'> & {
  /** Zendesk's account-wide limit (default 700 per minute, as on Enterprise). */
  zendeskRateLimitPerMinute?: number;
};

/** The four simulators started together, e.g. for demo mode. */
export interface AllSimulators {
  logrocket: LogRocketSimulator;
  zendesk: ZendeskSimulator;
  losant: LosantSimulator;
  nirvana: NirvanaSimulator;
  /** Closes all four. */
  close(): Promise<void>;
}

/** Starts all four provider simulators on random loopback ports with default credentials. */
export async function startAllSimulators(options: AllSimulatorsOptions = {}): Promise<AllSimulators> {
  const results = await Promise.allSettled([
    startLogRocketSimulator(options),
    startZendeskSimulator({ ...options, rateLimitPerMinute: options.zendeskRateLimitPerMinute }),
    startLosantSimulator(options),
    startNirvanaSimulator(options),
  ] as const);
  const [logrocket, zendesk, losant, nirvana] = results;
  if (
    logrocket.status !== 'fulfilled' ||
    zendesk.status !== 'fulfilled' ||
    losant.status !== 'fulfilled' ||
    nirvana.status !== 'fulfilled'
  ) {
    await Promise.all(results.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    throw failure?.reason instanceof Error ? failure.reason : new Error('A simulator failed to start');
  }
  const all = [logrocket.value, zendesk.value, losant.value, nirvana.value];
  return {
    logrocket: logrocket.value,
    zendesk: zendesk.value,
    losant: losant.value,
    nirvana: nirvana.value,
    close: async () => {
      await Promise.all(all.map((simulator) => simulator.close()));
    },
  };
}

import { defaultConfigKey, defaultConfigOver } from '../../bench/default-config';
import { LOAD_SOURCES, runLoad } from '../../bench/load';
import { createGateway, type Gateway } from '../../src/gateway';
import { startAllSimulators, type AllSimulators } from '../../src/simulators/index';
import { breakerChanges, captureLogs } from '../support/log-capture';

const EVENTS_PER_SOURCE = 300;
// Four clients a tenant, each paging back to back with no pause.
const TENANTS = 4;

// The short form of `npm run load`: the default configuration, providers 20 ms away, Zendesk's
// real account quota, many clients mixing walks, lookups and hang-ups.
describe('load with the default configuration', () => {
  let sims: AllSimulators;
  let gateway: Gateway;
  let url: string;
  const { logger, lines } = captureLogs('warn');

  beforeAll(async () => {
    sims = await startAllSimulators({ seed: 5, count: EVENTS_PER_SOURCE });
    for (const id of LOAD_SOURCES) sims[id].injectFault({ latencyMs: 20 });
    // The default configuration plus a metrics listener to read the breaker gauge from.
    gateway = await createGateway({ ...defaultConfigOver(sims, TENANTS), metrics: { host: '127.0.0.1', port: 0 } }, { logger });
    url = await gateway.listen();
  });
  afterAll(async () => {
    await gateway?.close();
    await sims?.close();
  });

  it('serves every request, moves no breaker and returns every event of every completed walk exactly once', async () => {
    const report = await runLoad({
      url,
      keys: Array.from({ length: TENANTS }, (_, n) => defaultConfigKey(n)),
      clients: 4 * TENANTS,
      durationMs: 8_000,
      eventsPerSource: EVENTS_PER_SOURCE,
      seed: 3,
    });
    process.stdout.write(`[load/default] ${JSON.stringify(report)}\n`);
    expect(report.errors).toEqual({});
    expect(report.walksWrong).toBe(0);
    expect(report.walksCompleted).toBeGreaterThan(10);
    expect(report.hangUps).toBeGreaterThan(0);
    expect(report.nodeLookups).toBeGreaterThan(0);
    expect(breakerChanges(lines)).toEqual([]);
    const metrics = await (await fetch(gateway.metricsUrl()!)).text();
    expect(metrics).toMatch(/auditgraph_http_request_duration_seconds/);
    expect(metrics).not.toMatch(/auditgraph_circuit_breaker_state\{/);
  });
});

import './production-mode';
import 'reflect-metadata';
import { loadConfig, demoConfig, readListenOverrides } from './config/load-config';
import { ConfigError } from './errors';
import { createGateway, SAMPLE_QUERY, SAMPLE_SUBSCRIPTION } from './gateway';
import { createLogger } from './logging/logger';
import { simulatorSources } from './simulators/demo-sources';
import { startDemoActivity } from './simulators/demo-activity';
import { startAllSimulators } from './simulators/index';

/** Starts auditgraph: with a config file in production mode, without one in demo mode. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'info' });
  let config;
  try {
    config = await loadConfig({ argv: process.argv.slice(2), env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`auditgraph: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let closeSimulators = async () => {};
  if (config === null) {
    const simulators = await startAllSimulators({});
    const stopActivity = startDemoActivity(simulators);
    closeSimulators = async () => {
      stopActivity();
      await simulators.close();
    };
    try {
      config = demoConfig(simulatorSources(simulators), readListenOverrides(env));
    } catch (error) {
      await closeSimulators();
      if (error instanceof ConfigError) {
        process.stderr.write(`auditgraph: ${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
  }
  const gateway = await createGateway(config, { logger });
  const url = await gateway.listen();
  if (config.demo) {
    process.stdout.write(
      `\nauditgraph demo mode: simulated LogRocket, Zendesk, Losant and Nirvana on loopback, no key needed.\n` +
        `GraphQL and Apollo Sandbox: ${url}\nPrometheus metrics: ${gateway.metricsUrl()}\n\nTry:\n${SAMPLE_QUERY}\n\n` +
        `New events arrive every few seconds; watch them (over WebSocket, ${url.replace(/^http/, 'ws')}):\n${SAMPLE_SUBSCRIPTION}\n\n`,
    );
  } else {
    logger.info(
      { url, metrics: gateway.metricsUrl() ?? 'off (set metrics.port)', sources: config.sources.length, tenants: config.tenants.length },
      'auditgraph listening',
    );
  }
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await gateway.close();
    await closeSimulators();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`auditgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import type { AppConfig } from '../src/config/config.schema';
import { parseConfig } from '../src/config/load-config';
import type { AllSimulators } from '../src/simulators/index';

/** Key of the one tenant of {@link defaultConfigOver}. */
export const DEFAULT_CONFIG_KEY = 'load-tenant-key-0123456789abcdef';

/**
 * The configuration an operator writes for these providers and nothing more: one tenant, each
 * source's address and credentials, every other value the default. Parsed by the same code as a
 * config file, so whatever the defaults are, these are they. Listens on a free port.
 */
export function defaultConfigOver(sims: Omit<AllSimulators, 'close'>): AppConfig {
  const { logrocket, zendesk, losant, nirvana } = sims;
  const file = {
    cursorSecret: 'load-test-cursor-secret-0123456789abcdef',
    tenants: [{ id: 'load', apiKeys: [DEFAULT_CONFIG_KEY], sources: ['*'] }],
    sources: [
      { id: 'logrocket', provider: 'logrocket', baseUrl: logrocket.baseUrl, orgId: logrocket.orgId, appId: logrocket.appId, apiKey: logrocket.apiKey },
      { id: 'zendesk', provider: 'zendesk', baseUrl: zendesk.baseUrl, email: zendesk.email, apiToken: zendesk.apiToken },
      { id: 'losant', provider: 'losant', baseUrl: losant.baseUrl, orgId: losant.orgId, apiToken: losant.apiToken },
      { id: 'nirvana', provider: 'nirvana', baseUrl: nirvana.baseUrl, apiKey: nirvana.apiKey },
    ],
  };
  const config = parseConfig(JSON.stringify(file), { format: 'json', env: {} });
  return { ...config, server: { ...config.server, port: 0 } };
}

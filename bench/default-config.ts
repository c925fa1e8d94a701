import type { AppConfig } from '../src/config/config.schema';
import { parseConfig } from '../src/config/load-config';
import type { AllSimulators } from '../src/simulators/index';

/** Key of tenant number `n` (from 0) of {@link defaultConfigOver}. */
export function defaultConfigKey(n: number): string {
  return `load-tenant-${n}-key-0123456789abcdef`;
}

/**
 * The configuration an operator writes for these providers and nothing more: `tenants` tenants
 * that read every source, each source's address and credentials, every other value the default.
 * Parsed by the same code as a config file, so whatever the defaults are, these are they.
 * Listens on a free port.
 */
export function defaultConfigOver(sims: Omit<AllSimulators, 'close'>, tenants = 1): AppConfig {
  const { logrocket, zendesk, losant, nirvana } = sims;
  const file = {
    cursorSecret: 'load-test-cursor-secret-0123456789abcdef',
    tenants: Array.from({ length: tenants }, (_, n) => ({ id: `load-${n}`, apiKeys: [defaultConfigKey(n)], sources: ['*'] })),
    sources: [
      {
        id: 'logrocket',
        provider: 'logrocket',
        baseUrl: logrocket.baseUrl,
        orgId: logrocket.orgId,
        appId: logrocket.appId,
        apiKey: logrocket.apiKey,
      },
      { id: 'zendesk', provider: 'zendesk', baseUrl: zendesk.baseUrl, email: zendesk.email, apiToken: zendesk.apiToken },
      { id: 'losant', provider: 'losant', baseUrl: losant.baseUrl, orgId: losant.orgId, apiToken: losant.apiToken },
      { id: 'nirvana', provider: 'nirvana', baseUrl: nirvana.baseUrl, apiKey: nirvana.apiKey },
    ],
  };
  const config = parseConfig(JSON.stringify(file), { format: 'json', env: {} });
  return { ...config, server: { ...config.server, port: 0 } };
}

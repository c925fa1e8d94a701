import type { SourceConfig, SourceTuning } from '../config/config.schema';
import type { AllSimulators } from './index';

const TUNING: SourceTuning = { timeoutMs: 10_000, retries: 2, maxConnections: 8 };

/** Source configs that point the gateway at running simulators (demo mode and tests). */
export function simulatorSources(simulators: Omit<AllSimulators, 'close'>, tuning: Partial<SourceTuning> = {}): SourceConfig[] {
  const t = { ...TUNING, ...tuning };
  const { logrocket, zendesk, losant, nirvana } = simulators;
  return [
    {
      id: 'logrocket',
      provider: 'logrocket',
      baseUrl: logrocket.baseUrl,
      orgId: logrocket.orgId,
      appId: logrocket.appId,
      apiKey: logrocket.apiKey,
      ...t,
    },
    { id: 'zendesk', provider: 'zendesk', baseUrl: zendesk.baseUrl, email: zendesk.email, apiToken: zendesk.apiToken, ...t },
    { id: 'losant', provider: 'losant', baseUrl: losant.baseUrl, orgId: losant.orgId, apiToken: losant.apiToken, ...t },
    { id: 'nirvana', provider: 'nirvana', baseUrl: nirvana.baseUrl, apiKey: nirvana.apiKey, ...t },
  ];
}

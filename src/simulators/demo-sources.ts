import { parseSources, type SourceConfig, type SourceTuning } from '../config/config.schema';
import type { AllSimulators } from './index';

/** Source configs that point the gateway at running simulators (demo mode and tests), through the config schema. */
export function simulatorSources(simulators: Omit<AllSimulators, 'close'>, tuning: Partial<SourceTuning> = {}): SourceConfig[] {
  const { logrocket, zendesk, losant, nirvana } = simulators;
  return parseSources([
    {
      id: 'logrocket',
      provider: 'logrocket',
      baseUrl: logrocket.baseUrl,
      orgId: logrocket.orgId,
      appId: logrocket.appId,
      apiKey: logrocket.apiKey,
      ...tuning,
    },
    { id: 'zendesk', provider: 'zendesk', baseUrl: zendesk.baseUrl, email: zendesk.email, apiToken: zendesk.apiToken, ...tuning },
    { id: 'losant', provider: 'losant', baseUrl: losant.baseUrl, orgId: losant.orgId, apiToken: losant.apiToken, ...tuning },
    { id: 'nirvana', provider: 'nirvana', baseUrl: nirvana.baseUrl, apiKey: nirvana.apiKey, ...tuning },
  ]);
}

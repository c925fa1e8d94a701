import { text } from '../../config/config-fields';
import { defineProvider } from '../provider-definition';
import { NirvanaAdapter } from './nirvana.adapter';

/** Nirvana Labs' audit log. */
export const nirvanaProvider = defineProvider({
  name: 'nirvana',
  kind: 'NIRVANA',
  defaultBaseUrl: 'https://api.nirvanalabs.io',
  pageSize: { min: 10, max: 100, default: 100 },
  settings: { apiKey: text() },
  quotaSettings: ['apiKey'],
  createAdapter: (source, context) => new NirvanaAdapter({ ...context, apiKey: source.apiKey }),
});

import { text } from '../../config/config-fields';
import { defineProvider } from '../provider-definition';
import { LosantAdapter } from './losant.adapter';

/** Losant's organisation audit log. */
export const losantProvider = defineProvider({
  name: 'losant',
  kind: 'LOSANT',
  defaultBaseUrl: 'https://api.losant.com',
  pageSize: { min: 1, max: 1000, default: 100 },
  settings: { orgId: text(), apiToken: text() },
  quotaSettings: ['orgId', 'apiToken'],
  createAdapter: (source, context) => new LosantAdapter({ ...context, orgId: source.orgId, apiToken: source.apiToken }),
});

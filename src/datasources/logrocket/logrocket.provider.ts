import { text } from '../../config/config-fields';
import { defineProvider } from '../provider-definition';
import { LogRocketAdapter } from './logrocket.adapter';

/** LogRocket's audit log; the same source also serves users, highlights and session exports. */
export const logrocketProvider = defineProvider({
  name: 'logrocket',
  kind: 'LOGROCKET',
  defaultBaseUrl: 'https://api.logrocket.com',
  pageSize: { min: 1, max: 100, default: 100 },
  settings: { orgId: text(), appId: text(), apiKey: text() },
  quotaSettings: ['orgId', 'appId', 'apiKey'],
  createAdapter: (source, context) =>
    new LogRocketAdapter({
      ...context,
      orgId: source.orgId,
      appId: source.appId,
      apiKey: source.apiKey,
    }),
});

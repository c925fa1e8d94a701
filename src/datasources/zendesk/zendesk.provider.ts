import { z } from 'zod';
import { text } from '../../config/config-fields';
import { defineProvider } from '../provider-definition';
import { ZendeskAdapter } from './zendesk.adapter';

/** Zendesk Support's audit log (Enterprise plans). */
export const zendeskProvider = defineProvider({
  name: 'zendesk',
  kind: 'ZENDESK',
  baseUrlRequired: 'required — the account URL, e.g. https://acme.zendesk.com',
  pageSize: { min: 1, max: 100, default: 100 },
  settings: {
    email: z.email({ error: 'must be an email address' }).optional(),
    apiToken: text().optional(),
    oauthToken: text().optional(),
  },
  checkSettings: (source, ctx) => {
    const hasBasic = source.email !== undefined || source.apiToken !== undefined;
    if (source.oauthToken !== undefined && hasBasic) {
      ctx.addIssue({ code: 'custom', path: ['oauthToken'], message: 'use either email + apiToken or oauthToken, not both' });
    } else if (source.oauthToken === undefined && !hasBasic) {
      ctx.addIssue({ code: 'custom', path: [], message: 'credentials required — set email + apiToken, or oauthToken' });
    } else if (source.email === undefined && source.apiToken !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'required with apiToken' });
    } else if (source.email !== undefined && source.apiToken === undefined && source.oauthToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'required with email (or use oauthToken instead)' });
    }
  },
  // Zendesk's rate limit belongs to the account (its subdomain), whatever the credentials.
  quotaSettings: [],
  createAdapter: (source, context) =>
    new ZendeskAdapter({
      ...context,
      email: source.email,
      apiToken: source.apiToken,
      oauthToken: source.oauthToken,
    }),
});

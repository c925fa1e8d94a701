import { logrocketProvider } from './logrocket/logrocket.provider';
import { losantProvider } from './losant/losant.provider';
import { nirvanaProvider } from './nirvana/nirvana.provider';
import { zendeskProvider } from './zendesk/zendesk.provider';

/**
 * Every provider auditgraph can read, in the order the schema's `Provider` enum lists them. A new
 * provider is a folder beside these and one entry here (see docs/adding-a-provider.md).
 */
export const PROVIDERS = [logrocketProvider, zendeskProvider, losantProvider, nirvanaProvider] as const;

/** A registered provider's definition. */
export type RegisteredProvider = (typeof PROVIDERS)[number];

/** The `provider` value of a source in the config file. */
export type ProviderName = RegisteredProvider['name'];

/** The definition of the provider named `name`. */
export function providerNamed(name: ProviderName): RegisteredProvider {
  return PROVIDERS.find((p) => p.name === name)!;
}

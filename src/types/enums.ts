import { registerEnumType } from 'type-graphql';
import { PROVIDERS } from '../datasources/providers';
import type { ProviderKind } from '../domain/audit-event';

/** Upstream providers: one value per registered provider, in registration order. */
export const Provider = Object.fromEntries(PROVIDERS.map((p) => [p.kind, p.kind])) as { readonly [K in ProviderKind]: K };

/** One of the registered providers. */
export type Provider = ProviderKind;

/** Kinds of actor, normalised across providers. */
export enum AuditActorType {
  USER = 'USER',
  API_KEY = 'API_KEY',
  APPLICATION = 'APPLICATION',
  DEVICE = 'DEVICE',
  FLOW = 'FLOW',
  SYSTEM = 'SYSTEM',
  UNKNOWN = 'UNKNOWN',
}

/** Timeline order. */
export enum AuditEventOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  OLDEST_FIRST = 'OLDEST_FIRST',
}

/** What to do when one of several sources fails. */
export enum SourceErrorPolicy {
  FAIL = 'FAIL',
  PARTIAL = 'PARTIAL',
}

registerEnumType(Provider, { name: 'Provider', description: 'The upstream product a source reads from.' });
registerEnumType(AuditActorType, { name: 'AuditActorType', description: 'Who performed an action, normalised across providers.' });
registerEnumType(AuditEventOrder, {
  name: 'AuditEventOrder',
  description: 'Timeline order: by (occurredAt, source name, nativeId), or its exact reverse.',
  valuesConfig: {
    NEWEST_FIRST: { description: 'Most recent first.' },
    OLDEST_FIRST: { description: 'Oldest first.' },
  },
});
registerEnumType(SourceErrorPolicy, {
  name: 'SourceErrorPolicy',
  description: 'What a timeline over several sources does when one of them fails.',
  valuesConfig: {
    FAIL: { description: 'Fail the whole field, naming the failed source.' },
    PARTIAL: { description: "Return the other sources' events plus an error naming the failed source; cursors keep its position." },
  },
});

import { registerEnumType } from 'type-graphql';

/** Upstream providers. */
export enum Provider {
  LOGROCKET = 'LOGROCKET',
  ZENDESK = 'ZENDESK',
  LOSANT = 'LOSANT',
  NIRVANA = 'NIRVANA',
}

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

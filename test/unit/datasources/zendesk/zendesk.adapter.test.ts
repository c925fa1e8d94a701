import type { EventFilter } from '../../../../src/domain/audit-event';
import { zendeskPushdown } from '../../../../src/datasources/zendesk/zendesk.adapter';
import { encodedQueryLength, MAX_PUSHDOWN_QUERY_LENGTH } from '../../../../src/paging/event-filter';

const T = '2024-01-01T00:00:00.000000000Z';

describe('zendeskPushdown', () => {
  it('pushes nothing for an empty or time-only filter and calls it complete', () => {
    expect(zendeskPushdown({})).toEqual({ filters: [], complete: true });
    expect(zendeskPushdown({ occurredAfter: T, occurredBefore: T })).toEqual({ filters: [], complete: true });
  });

  it('pushes every field Zendesk can filter, keeping every value', () => {
    expect(
      zendeskPushdown({
        actions: ['create', 'update'],
        actorIds: ['1234', '5'],
        ipAddresses: ['209.119.38.228'],
        targetTypes: ['user'],
        targetIds: ['3456'],
      }),
    ).toEqual({
      filters: [
        ['action', ['create', 'update']],
        ['actor_id', ['1234', '5']],
        ['ip_address', ['209.119.38.228']],
        ['source_type', ['user']],
        ['source_id', ['3456']],
      ],
      complete: true,
    });
  });

  it.each<[string, EventFilter, [string, string[]][]]>([
    ['an action Zendesk does not know', { actions: ['create', 'Viewed session'] }, []],
    ['a non-numeric actor id', { actorIds: ['1234', 'jane@example.com'] }, []],
    ['target ids without a target type', { targetIds: ['3456'] }, []],
    ['target ids with two target types', { targetTypes: ['user', 'ticket'], targetIds: ['3456'] }, [['source_type', ['user', 'ticket']]]],
    ['a non-numeric target id', { targetTypes: ['user'], targetIds: ['abc'] }, [['source_type', ['user']]]],
    ['actor types', { actorTypes: ['SYSTEM'] }, []],
    ['an actor id past 15 digits (beyond an exact JSON number)', { actorIds: ['1234567890123456'] }, []],
    ['an ip address that is no IP address', { ipAddresses: ['10.0.0.1', 'not-an-ip'] }, []],
    ['an empty value', { targetTypes: [''] }, []],
    ['target ids whose target type was not pushed', { targetTypes: [''], targetIds: ['3456'] }, []],
  ])('is incomplete for %s, so the gateway filters', (_name, filter, filters) => {
    expect(zendeskPushdown(filter)).toEqual({ filters, complete: false });
  });

  it('keeps the pushed parameters within the query budget, leaving the rest to the gateway', () => {
    const types = Array.from({ length: 100 }, (_, i) => `${'t'.repeat(60)}${i}`);
    const { filters, complete } = zendeskPushdown({ actions: ['create'], targetTypes: types, ipAddresses: ['10.0.0.1'] });
    expect(complete).toBe(false);
    expect(filters).toEqual([
      ['action', ['create']],
      ['ip_address', ['10.0.0.1']],
    ]);
    const pairs = filters.flatMap(([name, values]) => values.map((v): [string, string] => [`filter[${name}][]`, v]));
    expect(encodedQueryLength(pairs)).toBeLessThanOrEqual(MAX_PUSHDOWN_QUERY_LENGTH);
  });
});

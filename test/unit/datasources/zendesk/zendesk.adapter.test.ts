import type { EventFilter } from '../../../../src/domain/audit-event';
import { zendeskPushdown } from '../../../../src/datasources/zendesk/zendesk.adapter';

const T = '2024-01-01T00:00:00.000000000Z';

describe('zendeskPushdown', () => {
  it('pushes nothing for an empty or time-only filter and calls it complete', () => {
    expect(zendeskPushdown({})).toEqual({ filters: [], complete: true });
    expect(zendeskPushdown({ occurredAfter: T, occurredBefore: T })).toEqual({ filters: [], complete: true });
  });

  it('pushes every field Zendesk can filter, keeping every value', () => {
    expect(
      zendeskPushdown({ actions: ['create', 'update'], actorIds: ['1234', '5'], ipAddresses: ['209.119.38.228'], targetTypes: ['user'], targetIds: ['3456'] }),
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
  ])('is incomplete for %s, so the gateway filters', (_name, filter, filters) => {
    expect(zendeskPushdown(filter)).toEqual({ filters, complete: false });
  });
});

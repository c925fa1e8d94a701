import type { AuditEventRecord, EventFilter } from '../../../src/domain/audit-event';
import {
  activeFilterFields,
  encodedQueryLength,
  eventMatcher,
  isPossibleIpAddress,
  MAX_PUSHDOWN_QUERY_LENGTH,
  pushdownBudget,
} from '../../../src/paging/event-filter';

const T0 = '2024-01-01T00:00:00.000000000Z';
const T1 = '2024-01-01T00:00:01.000000000Z';
const T1_PLUS = '2024-01-01T00:00:01.000000001Z';
const T2 = '2024-01-01T00:00:02.000000000Z';

function event(overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  return {
    sourceId: 'zendesk',
    nativeId: '1',
    occurredAt: '2024-01-01T00:00:01Z',
    timeKey: T1,
    action: 'update',
    description: null,
    actor: { id: '42', name: 'Sam', email: null, type: 'USER' },
    target: { id: '7', type: 'user', name: 'John' },
    ipAddress: '10.0.0.1',
    userAgent: null,
    request: null,
    raw: {},
    ...overrides,
  };
}

describe('eventMatcher', () => {
  it('matches everything with an empty filter', () => {
    expect(eventMatcher({})(event())).toBe(true);
    expect(eventMatcher({})(event({ target: null, ipAddress: null, actor: { id: null, name: null, email: null, type: 'SYSTEM' } }))).toBe(
      true,
    );
  });

  it('treats occurredAfter as inclusive and occurredBefore as exclusive, to the nanosecond', () => {
    expect(eventMatcher({ occurredAfter: T1 })(event({ timeKey: T1 }))).toBe(true);
    expect(eventMatcher({ occurredAfter: T1_PLUS })(event({ timeKey: T1 }))).toBe(false);
    expect(eventMatcher({ occurredBefore: T1 })(event({ timeKey: T1 }))).toBe(false);
    expect(eventMatcher({ occurredBefore: T1_PLUS })(event({ timeKey: T1 }))).toBe(true);
    const range = eventMatcher({ occurredAfter: T1, occurredBefore: T2 });
    expect([T0, T1, T1_PLUS, T2].map((timeKey) => range(event({ timeKey })))).toEqual([false, true, true, false]);
  });

  it('lists mean any of', () => {
    const matches = eventMatcher({ actions: ['create', 'update'] });
    expect(matches(event({ action: 'update' }))).toBe(true);
    expect(matches(event({ action: 'create' }))).toBe(true);
    expect(matches(event({ action: 'destroy' }))).toBe(false);
    expect(eventMatcher({ actions: ['Update'] })(event({ action: 'update' }))).toBe(false);
  });

  it('fields combine with AND', () => {
    const filter: EventFilter = { actions: ['update'], actorIds: ['42'], ipAddresses: ['10.0.0.1'] };
    expect(eventMatcher(filter)(event())).toBe(true);
    expect(eventMatcher(filter)(event({ ipAddress: '10.0.0.2' }))).toBe(false);
    expect(eventMatcher(filter)(event({ action: 'create' }))).toBe(false);
    expect(eventMatcher({ ...filter, occurredBefore: T1 })(event())).toBe(false);
  });

  it.each<[string, EventFilter, Partial<AuditEventRecord>, Partial<AuditEventRecord>]>([
    [
      'actorIds',
      { actorIds: ['42'] },
      { actor: { id: '42', name: null, email: null, type: 'USER' } },
      { actor: { id: '43', name: null, email: null, type: 'USER' } },
    ],
    [
      'actorTypes',
      { actorTypes: ['API_KEY'] },
      { actor: { id: '1', name: null, email: null, type: 'API_KEY' } },
      { actor: { id: '1', name: null, email: null, type: 'USER' } },
    ],
    [
      'targetTypes',
      { targetTypes: ['vm'] },
      { target: { id: '1', type: 'vm', name: null } },
      { target: { id: '1', type: 'user', name: null } },
    ],
    ['targetIds', { targetIds: ['9'] }, { target: { id: '9', type: 'vm', name: null } }, { target: { id: '8', type: 'vm', name: null } }],
    ['ipAddresses', { ipAddresses: ['203.0.113.1'] }, { ipAddress: '203.0.113.1' }, { ipAddress: '203.0.113.2' }],
  ])('filters on %s', (_name, filter, yes, no) => {
    expect(eventMatcher(filter)(event(yes))).toBe(true);
    expect(eventMatcher(filter)(event(no))).toBe(false);
  });

  it('never matches a list filter against a missing actor id, target or ip', () => {
    const noActor = event({ actor: { id: null, name: null, email: null, type: 'SYSTEM' } });
    expect(eventMatcher({ actorIds: ['null', ''] })(noActor)).toBe(false);
    expect(eventMatcher({ targetIds: ['null', ''] })(event({ target: null }))).toBe(false);
    expect(eventMatcher({ targetTypes: ['null', ''] })(event({ target: null }))).toBe(false);
    expect(eventMatcher({ targetTypes: ['null', ''] })(event({ target: { id: '1', type: null, name: null } }))).toBe(false);
    expect(eventMatcher({ targetIds: ['null', ''] })(event({ target: { id: null, type: 'user', name: null } }))).toBe(false);
    expect(eventMatcher({ ipAddresses: ['null', ''] })(event({ ipAddress: null }))).toBe(false);
  });
});

describe('activeFilterFields', () => {
  it('names the non-time fields that are set, ignoring time bounds', () => {
    expect(activeFilterFields({})).toEqual([]);
    expect(activeFilterFields({ occurredAfter: T0, occurredBefore: T1 })).toEqual([]);
    expect(activeFilterFields({ ipAddresses: ['1'], actions: ['a'], occurredAfter: T0 }).sort()).toEqual(['actions', 'ipAddresses']);
  });
});

describe('pushdown helpers', () => {
  it('measures query text as the gateway encodes it', () => {
    expect(encodedQueryLength([['filter[action][]', 'create']])).toBe('filter%5Baction%5D%5B%5D=create'.length + 1);
    expect(
      encodedQueryLength([
        ['a', 'x y'],
        ['b', 'é'],
      ]),
    ).toBe('a=x+y'.length + 1 + 'b=%C3%A9'.length + 1);
  });

  it('lets pairs through while they fit in the budget, and reserves nothing for what does not', () => {
    const fits = pushdownBudget(30);
    expect(fits([['a', 'x'.repeat(20)]])).toBe(true);
    expect(fits([['b', 'x'.repeat(20)]])).toBe(false);
    expect(fits([['c', 'x'.repeat(4)]])).toBe(true);
    expect(fits([['d', '']])).toBe(false);
    // Half of the 8 KiB request line nginx takes by default; Node (the simulators) takes 16 KiB of headers.
    expect(MAX_PUSHDOWN_QUERY_LENGTH).toBeLessThanOrEqual(4096);
  });

  it('knows which values can be IP addresses', () => {
    for (const ip of ['10.0.0.1', '203.0.113.1', '::1', '2001:db8::1', '::ffff:10.0.0.1']) expect(isPossibleIpAddress(ip)).toBe(true);
    for (const value of ['', 'localhost', '10.0.0', '10.0.0.256', '010.0.0.1', 'x'.repeat(1024)])
      expect(isPossibleIpAddress(value)).toBe(false);
  });
});

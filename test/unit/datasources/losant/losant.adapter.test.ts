import type { EventFilter } from '../../../../src/domain/audit-event';
import { losantPushdown } from '../../../../src/datasources/losant/losant.adapter';
import { encodedQueryLength, MAX_PUSHDOWN_QUERY_LENGTH } from '../../../../src/paging/event-filter';

describe('losantPushdown', () => {
  it('pushes nothing for an empty filter', () => {
    expect(losantPushdown({})).toEqual({ pairs: [], complete: true });
  });

  it('pushes actions as resource/action pairs and actor ids', () => {
    expect(
      losantPushdown({
        actions: ['application.delete', 'device.post'],
        actorIds: ['575ed6e87ae143cd83dc4aa8', '576f0a1b2c3d4e5f60718293'],
      }),
    ).toEqual({
      pairs: [
        ['[request][0][resource]', 'application'],
        ['[request][0][action]', 'delete'],
        ['[request][1][resource]', 'device'],
        ['[request][1][action]', 'post'],
        ['[actor][0][id]', '575ed6e87ae143cd83dc4aa8'],
        ['[actor][1][id]', '576f0a1b2c3d4e5f60718293'],
      ],
      complete: true,
    });
  });

  it('pushes actor types in Losant’s spelling', () => {
    expect(losantPushdown({ actorTypes: ['USER', 'API_KEY', 'FLOW'] })).toEqual({
      pairs: [
        ['[actor][0][type]', 'User'],
        ['[actor][1][type]', 'ApiToken'],
        ['[actor][2][type]', 'Flow'],
      ],
      complete: true,
    });
  });

  it.each<[string, EventFilter, [string, string][]]>([
    ['an action without a dot', { actions: ['delete'] }, []],
    ['an action with two dots', { actions: ['a.b.c'] }, []],
    [
      'actor ids and actor types together (one OR-ed array)',
      { actorIds: ['575ed6e87ae143cd83dc4aa8'], actorTypes: ['USER'] },
      [['[actor][0][id]', '575ed6e87ae143cd83dc4aa8']],
    ],
    ['an actor type Losant has no name for', { actorTypes: ['USER', 'SYSTEM'] }, []],
    ['target ids', { targetIds: ['1'] }, []],
    ['target types', { targetTypes: ['Device'] }, []],
    ['ip addresses', { ipAddresses: ['10.0.0.1'] }, []],
    ['an actor id that is no ObjectId (Losant refuses it)', { actorIds: ['575ed6e87ae143cd83dc4aa8', 'jane@example.com'] }, []],
    ['an upper-case ObjectId (Losant records lower case)', { actorIds: ['575ED6E87AE143CD83DC4AA8'] }, []],
    [
      'an impossible actor id, pushing the actor types instead',
      { actorIds: ['nope'], actorTypes: ['USER'] },
      [['[actor][0][type]', 'User']],
    ],
  ])('is incomplete for %s', (_name, filter, pairs) => {
    expect(losantPushdown(filter)).toEqual({ pairs, complete: false });
  });

  it('keeps the pushed parameters within the query budget, leaving the rest to the gateway', () => {
    const actions = Array.from({ length: 100 }, (_, i) => `${'resource'.repeat(4)}${i}.delete`);
    const ids = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(24, '0'));
    const { pairs, complete } = losantPushdown({ actions, actorIds: ids });
    expect(complete).toBe(false);
    expect(encodedQueryLength(pairs.map(([path, v]): [string, string] => [`auditLogFilter${path}`, v]))).toBeLessThanOrEqual(
      MAX_PUSHDOWN_QUERY_LENGTH,
    );
    expect(pairs.some(([path]) => path.startsWith('[actor]'))).toBe(true);
  });
});

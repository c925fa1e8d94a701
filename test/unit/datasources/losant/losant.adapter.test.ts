import type { EventFilter } from '../../../../src/domain/audit-event';
import { losantPushdown } from '../../../../src/datasources/losant/losant.adapter';

describe('losantPushdown', () => {
  it('pushes nothing for an empty filter', () => {
    expect(losantPushdown({})).toEqual({ pairs: [], complete: true });
  });

  it('pushes actions as resource/action pairs and actor ids', () => {
    expect(losantPushdown({ actions: ['application.delete', 'device.post'], actorIds: ['575e', '576f'] })).toEqual({
      pairs: [
        ['[request][0][resource]', 'application'],
        ['[request][0][action]', 'delete'],
        ['[request][1][resource]', 'device'],
        ['[request][1][action]', 'post'],
        ['[actor][0][id]', '575e'],
        ['[actor][1][id]', '576f'],
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
    ['actor ids and actor types together (one OR-ed array)', { actorIds: ['575e'], actorTypes: ['USER'] }, [['[actor][0][id]', '575e']]],
    ['an actor type Losant has no name for', { actorTypes: ['USER', 'SYSTEM'] }, []],
    ['target ids', { targetIds: ['1'] }, []],
    ['target types', { targetTypes: ['Device'] }, []],
    ['ip addresses', { ipAddresses: ['10.0.0.1'] }, []],
  ])('is incomplete for %s', (_name, filter, pairs) => {
    expect(losantPushdown(filter)).toEqual({ pairs, complete: false });
  });
});

import type { EventFilter } from '../../../../src/domain/audit-event';
import { nirvanaPushdown } from '../../../../src/datasources/nirvana/nirvana.adapter';

describe('nirvanaPushdown', () => {
  it('pushes single values of every supported field', () => {
    expect(
      nirvanaPushdown({
        actions: ['vm.created'],
        actorIds: ['u1'],
        ipAddresses: ['203.0.113.1'],
        targetIds: ['vm_9'],
        targetTypes: ['vm'],
        actorTypes: ['API_KEY'],
      }),
    ).toEqual({
      filters: [
        ['action', 'vm.created'],
        ['actor_id', 'u1'],
        ['client_ip', '203.0.113.1'],
        ['target_id', 'vm_9'],
        ['target_type', 'vm'],
        ['actor_type', 'api_key'],
      ],
      complete: true,
    });
    expect(nirvanaPushdown({})).toEqual({ filters: [], complete: true });
  });

  it.each<[string, EventFilter, [string, string][]]>([
    ['two actions', { actions: ['vm.created', 'vm.deleted'] }, []],
    ['two ips but one action', { actions: ['vm.created'], ipAddresses: ['1', '2'] }, [['action', 'vm.created']]],
    ['two actor types', { actorTypes: ['USER', 'API_KEY'] }, []],
    ['an actor type Nirvana lacks', { actorTypes: ['DEVICE'] }, []],
    ['a client ip that is no IP address', { ipAddresses: ['localhost'] }, []],
    ['an empty value', { actions: [''], targetIds: ['vm_9'] }, [['target_id', 'vm_9']]],
    [
      'values too long for one request together',
      { actions: ['a'.repeat(1024)], actorIds: ['é'.repeat(1024)], targetIds: ['vm_9'] },
      [
        ['action', 'a'.repeat(1024)],
        ['target_id', 'vm_9'],
      ],
    ],
  ])('is incomplete for %s and pushes only single values', (_name, filter, filters) => {
    expect(nirvanaPushdown(filter)).toEqual({ filters, complete: false });
  });
});

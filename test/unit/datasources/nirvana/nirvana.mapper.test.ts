import { mapNirvanaAuditLog, readNirvanaPage } from '../../../../src/datasources/nirvana/nirvana.mapper';
import { CANARY, expectBadResponse } from '../mapper-test-helpers';

const LOG = {
  id: '123e4567-e89b-12d3-a456-426614174000',
  action: 'vm.created',
  actor: { id: 'usr_1', name: 'Alice Smith', type: 'user' },
  client_ip: '203.0.113.1',
  created_at: '2025-01-01T00:00:00Z',
  method: 'POST',
  path: '/v1/compute/vms',
  status_code: 200,
  user_agent: 'Mozilla/5.0',
  target: { id: 'vm_9', type: 'vm' },
};

describe('mapNirvanaAuditLog', () => {
  it('maps a log per the contract', () => {
    expect(mapNirvanaAuditLog('nirvana', LOG)).toEqual({
      sourceId: 'nirvana',
      nativeId: '123e4567-e89b-12d3-a456-426614174000',
      occurredAt: '2025-01-01T00:00:00Z',
      timeKey: '2025-01-01T00:00:00.000000000Z',
      action: 'vm.created',
      description: null,
      actor: { id: 'usr_1', name: 'Alice Smith', email: null, type: 'USER' },
      target: { id: 'vm_9', type: 'vm', name: null },
      ipAddress: '203.0.113.1',
      userAgent: 'Mozilla/5.0',
      request: { method: 'POST', path: '/v1/compute/vms', statusCode: 200 },
      raw: LOG,
    });
  });

  it('accepts actor.name null or absent, and target null or absent', () => {
    expect(mapNirvanaAuditLog('nirvana', { ...LOG, actor: { id: 'k1', name: null, type: 'api_key' } }).actor).toEqual({
      id: 'k1',
      name: null,
      email: null,
      type: 'API_KEY',
    });
    expect(mapNirvanaAuditLog('nirvana', { ...LOG, actor: { id: 'k1', type: 'api_key' } }).actor.name).toBeNull();
    expect(mapNirvanaAuditLog('nirvana', { ...LOG, target: null }).target).toBeNull();
    const { target: _t, actor: _a, method: _m, path: _p, status_code: _s, ...bare } = LOG;
    const event = mapNirvanaAuditLog('nirvana', bare);
    expect(event.target).toBeNull();
    expect(event.actor).toEqual({ id: null, name: null, email: null, type: 'UNKNOWN' });
    expect(event.request).toBeNull();
  });

  it('maps an unknown actor type to UNKNOWN', () => {
    expect(mapNirvanaAuditLog('nirvana', { ...LOG, actor: { id: 'x', type: 'robot' } }).actor.type).toBe('UNKNOWN');
  });

  it('keeps the provider’s sub-second precision', () => {
    expect(mapNirvanaAuditLog('nirvana', { ...LOG, created_at: '2025-01-01T01:00:00.123456+01:00' }).occurredAt).toBe(
      '2025-01-01T00:00:00.123456Z',
    );
  });

  it.each([
    ['not an object', []],
    ['no id', { ...LOG, id: undefined }],
    ['numeric id', { ...LOG, id: 123 }],
    ['no created_at', { ...LOG, created_at: undefined }],
    ['created_at without zone', { ...LOG, created_at: '2025-01-01T00:00:00' }],
  ])('rejects a log with %s as UPSTREAM_BAD_RESPONSE naming the source', (_name, log) => {
    const withCanary = Array.isArray(log) ? log : { ...log, action: CANARY, path: CANARY };
    expectBadResponse(() => mapNirvanaAuditLog('nirvana', withCanary), 'nirvana', CANARY);
  });
});

describe('readNirvanaPage', () => {
  it('reads items, the next cursor (null at the end) and the total', () => {
    expect(
      readNirvanaPage('nirvana', { items: [LOG], pagination: { next_cursor: 'n1', previous_cursor: null, total_count: 125 } }),
    ).toEqual({
      items: [LOG],
      nextCursor: 'n1',
      totalCount: 125,
    });
    expect(readNirvanaPage('nirvana', { items: [], pagination: { next_cursor: null } })).toEqual({
      items: [],
      nextCursor: null,
      totalCount: null,
    });
    expect(readNirvanaPage('nirvana', { items: [] })).toEqual({ items: [], nextCursor: null, totalCount: null });
  });

  it.each([null, { data: [] }, { items: 'x' }])('rejects %j', (body) => {
    expectBadResponse(() => readNirvanaPage('nirvana', body), 'nirvana');
  });
});

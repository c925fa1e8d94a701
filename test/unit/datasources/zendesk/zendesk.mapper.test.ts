import { mapZendeskAuditLog, readZendeskPage } from '../../../../src/datasources/zendesk/zendesk.mapper';
import { CANARY, expectBadResponse } from '../mapper-test-helpers';

const LOG = {
  id: 498483,
  action: 'update',
  action_label: 'Updated',
  actor_id: 1234,
  actor_name: 'Sameer Patel',
  change_description: 'Role changed from Administrator to End User',
  created_at: '2012-03-05T11:32:44Z',
  ip_address: '209.119.38.228',
  source_id: 3456,
  source_label: 'John Doe',
  source_type: 'user',
  url: 'https://company.zendesk.com/api/v2/audit_logs/498483.json',
};

describe('mapZendeskAuditLog', () => {
  it('maps a log per the contract', () => {
    expect(mapZendeskAuditLog('zendesk', LOG)).toEqual({
      sourceId: 'zendesk',
      nativeId: '498483',
      occurredAt: '2012-03-05T11:32:44Z',
      timeKey: '2012-03-05T11:32:44.000000000Z',
      action: 'update',
      description: 'Role changed from Administrator to End User',
      actor: { id: '1234', name: 'Sameer Patel', email: null, type: 'USER' },
      target: { id: '3456', type: 'user', name: 'John Doe' },
      ipAddress: '209.119.38.228',
      userAgent: null,
      request: null,
      raw: LOG,
    });
  });

  it('maps actor_id -1 to a SYSTEM actor', () => {
    expect(mapZendeskAuditLog('zendesk', { ...LOG, actor_id: -1, actor_name: 'Zendesk' }).actor).toEqual({
      id: '-1',
      name: 'Zendesk',
      email: null,
      type: 'SYSTEM',
    });
  });

  it('accepts string ids and leaves absent optional fields null', () => {
    const event = mapZendeskAuditLog('zendesk', { id: '77', action: 'login', created_at: '2012-03-05T11:32:44+01:00' });
    expect(event.nativeId).toBe('77');
    expect(event.occurredAt).toBe('2012-03-05T10:32:44Z');
    expect(event.target).toBeNull();
    expect(event.ipAddress).toBeNull();
    expect(event.description).toBeNull();
    expect(event.actor).toEqual({ id: null, name: null, email: null, type: 'USER' });
  });

  it('keeps a target with only some of its fields', () => {
    expect(mapZendeskAuditLog('zendesk', { ...LOG, source_id: null, source_label: null }).target).toEqual({
      id: null,
      type: 'user',
      name: null,
    });
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['no id', { ...LOG, id: undefined }],
    ['id as object', { ...LOG, id: { n: 1 } }],
    ['no created_at', { ...LOG, created_at: undefined }],
    ['unreadable created_at', { ...LOG, created_at: 'March 5th' }],
  ])('rejects a log with %s as UPSTREAM_BAD_RESPONSE naming the source', (_name, log) => {
    const withCanary = log !== null && typeof log === 'object' ? { ...log, actor_name: CANARY, change_description: CANARY } : log;
    expectBadResponse(() => mapZendeskAuditLog('zendesk-eu', withCanary), 'zendesk-eu', CANARY);
  });
});

describe('readZendeskPage', () => {
  it('follows after_cursor only while has_more is true', () => {
    expect(readZendeskPage('zendesk', { audit_logs: [LOG], meta: { has_more: true, after_cursor: 'xyz', before_cursor: 'abc' } })).toEqual({
      logs: [LOG],
      afterCursor: 'xyz',
    });
    expect(readZendeskPage('zendesk', { audit_logs: [LOG], meta: { has_more: false, after_cursor: 'xyz' } }).afterCursor).toBeNull();
    expect(readZendeskPage('zendesk', { audit_logs: [], meta: { has_more: true, after_cursor: null } }).afterCursor).toBeNull();
  });

  it.each([
    ['offset-mode envelope', { audit_logs: [], next_page: null, count: 0 }],
    ['no list', { meta: { has_more: false } }],
    ['has_more not boolean', { audit_logs: [], meta: { has_more: 'false' } }],
    ['text', 'Internal error'],
  ])('rejects a %s', (_name, body) => {
    expectBadResponse(() => readZendeskPage('zendesk', body), 'zendesk');
  });
});

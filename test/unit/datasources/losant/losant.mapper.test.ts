import { losantAction, mapLosantAuditLog, readLosantPage } from '../../../../src/datasources/losant/losant.mapper';
import { CANARY, expectBadResponse } from '../mapper-test-helpers';

const LOG = {
  id: '586e9d5151265cb9d72f6ec6',
  auditLogId: '586e9d5151265cb9d72f6ec6',
  creationDate: '2016-06-13T04:00:00.000Z',
  orgId: '575ed6e87ae143cd83dc4aa8',
  primaryTargetId: '575ec8687ae143cd83dc4a97',
  primaryTargetType: 'Application',
  primaryTargetName: 'My Application',
  secondaryTargetId: '575ecf887ae143cd83dc4aa2',
  secondaryTargetType: 'Device',
  secondaryTargetName: 'Thermostat',
  actorId: '575ece2b7ae143cd83dc4a9b',
  actorType: 'User',
  actorName: 'actor@example.com',
  requestResource: 'device',
  requestAction: 'delete',
  requestQueryParams: {},
  requestBody: {},
  requestPathParams: {},
  responseBody: {},
  responseStatus: 200,
};

describe('mapLosantAuditLog', () => {
  it('maps a log per the contract, preferring the secondary target', () => {
    expect(mapLosantAuditLog('losant', LOG)).toEqual({
      sourceId: 'losant',
      nativeId: '586e9d5151265cb9d72f6ec6',
      occurredAt: '2016-06-13T04:00:00.000Z',
      timeKey: '2016-06-13T04:00:00.000000000Z',
      action: 'device.delete',
      description: null,
      actor: { id: '575ece2b7ae143cd83dc4a9b', name: 'actor@example.com', email: 'actor@example.com', type: 'USER' },
      target: { id: '575ecf887ae143cd83dc4aa2', type: 'Device', name: 'Thermostat' },
      ipAddress: null,
      userAgent: null,
      request: { method: null, path: null, statusCode: 200 },
      raw: LOG,
    });
  });

  it('falls back to the primary target when there is no secondary one', () => {
    const { secondaryTargetId: _a, secondaryTargetType: _b, secondaryTargetName: _c, ...primaryOnly } = LOG;
    expect(mapLosantAuditLog('losant', primaryOnly).target).toEqual({
      id: '575ec8687ae143cd83dc4a97',
      type: 'Application',
      name: 'My Application',
    });
    expect(mapLosantAuditLog('losant', { ...LOG, secondaryTargetId: null, secondaryTargetType: null }).target?.type).toBe('Application');
    const { primaryTargetId: _d, primaryTargetType: _e, primaryTargetName: _f, ...noTargets } = primaryOnly;
    expect(mapLosantAuditLog('losant', noTargets).target).toBeNull();
  });

  it.each([
    ['User', 'USER'],
    ['ApiToken', 'API_KEY'],
    ['Application', 'APPLICATION'],
    ['Device', 'DEVICE'],
    ['Flow', 'FLOW'],
    ['Robot', 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('maps actorType %s to %s', (actorType, type) => {
    expect(mapLosantAuditLog('losant', { ...LOG, actorType, actorName: 'Some name' }).actor.type).toBe(type);
  });

  it('gives an email only for User actors whose name is an email', () => {
    expect(mapLosantAuditLog('losant', { ...LOG, actorType: 'Device', actorName: 'dev@example.com' }).actor.email).toBeNull();
    expect(mapLosantAuditLog('losant', { ...LOG, actorName: 'Jane Doe' }).actor.email).toBeNull();
  });

  it('builds the action from resource and action, and tolerates either missing', () => {
    expect(losantAction('application', 'delete')).toBe('application.delete');
    expect(mapLosantAuditLog('losant', { ...LOG, requestAction: null }).action).toBe('device');
    expect(mapLosantAuditLog('losant', { ...LOG, requestResource: null }).action).toBe('delete');
    expect(mapLosantAuditLog('losant', { ...LOG, requestResource: null, requestAction: null }).action).toBe('unknown');
  });

  it('uses auditLogId when id is missing and leaves request null without a status', () => {
    const { id: _id, responseStatus: _s, ...rest } = LOG;
    const event = mapLosantAuditLog('losant', rest);
    expect(event.nativeId).toBe('586e9d5151265cb9d72f6ec6');
    expect(event.request).toBeNull();
  });

  it.each([
    ['not an object', 'x'],
    ['no id', { ...LOG, id: undefined, auditLogId: undefined }],
    ['numeric id', { ...LOG, id: 5, auditLogId: undefined }],
    ['no creationDate', { ...LOG, creationDate: undefined }],
    ['epoch creationDate', { ...LOG, creationDate: 1465790400000 }],
  ])('rejects a log with %s as UPSTREAM_BAD_RESPONSE naming the source', (_name, log) => {
    const withCanary = typeof log === 'object' ? { ...log, actorName: CANARY, primaryTargetName: CANARY } : log;
    expectBadResponse(() => mapLosantAuditLog('losant-us', withCanary), 'losant-us', CANARY);
  });
});

describe('readLosantPage', () => {
  it('reads items and totalCount', () => {
    expect(readLosantPage('losant', { items: [LOG], count: 1, totalCount: 4, perPage: 1, page: 0 })).toEqual({
      items: [LOG],
      totalCount: 4,
    });
  });

  it.each([{ items: [] }, { totalCount: 3 }, { items: {}, totalCount: 1 }, { items: [], totalCount: 'many' }, null])(
    'rejects %j',
    (body) => {
      expectBadResponse(() => readLosantPage('losant', body), 'losant');
    },
  );
});

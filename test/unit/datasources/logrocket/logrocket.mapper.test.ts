import {
  mapLogRocketLog,
  readLogRocketPage,
  syntheticLogRocketId,
  withDistinctLogRocketIds,
} from '../../../../src/datasources/logrocket/logrocket.mapper';
import { CANARY, expectBadResponse } from '../mapper-test-helpers';

const LOG = {
  time: '02/02/24 08:48PM',
  created_date: '2024-02-02T20:48:40.376852Z',
  user: 'jane@example.com',
  action: 'Viewed session',
  description: '1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/1',
};

describe('mapLogRocketLog', () => {
  it('maps a log per the contract: µs time, action, description, email user as USER, no target/ip/request', () => {
    const event = mapLogRocketLog('lr-web', LOG);
    expect(event).toEqual({
      sourceId: 'lr-web',
      nativeId: expect.stringMatching(/^lr_[A-Za-z0-9_-]+$/),
      occurredAt: '2024-02-02T20:48:40.376852Z',
      timeKey: '2024-02-02T20:48:40.376852000Z',
      action: 'Viewed session',
      description: '1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/1',
      actor: { id: 'jane@example.com', name: null, email: 'jane@example.com', type: 'USER' },
      target: null,
      ipAddress: null,
      userAgent: null,
      request: null,
      raw: LOG,
    });
    expect(event.raw).toBe(LOG);
  });

  it('treats a user that is not an email, or no user, as SYSTEM', () => {
    expect(mapLogRocketLog('lr-web', { ...LOG, user: 'system-job-42' }).actor).toEqual({
      id: 'system-job-42',
      name: null,
      email: null,
      type: 'SYSTEM',
    });
    expect(mapLogRocketLog('lr-web', { ...LOG, user: null }).actor).toEqual({ id: null, name: null, email: null, type: 'SYSTEM' });
    const { user: _user, ...noUser } = LOG;
    expect(mapLogRocketLog('lr-web', noUser).actor.type).toBe('SYSTEM');
    expect(mapLogRocketLog('lr-web', { ...LOG, description: null }).description).toBeNull();
  });

  it('gives the same log the same synthetic id on every read, and different logs different ids', () => {
    const id = mapLogRocketLog('lr-web', LOG).nativeId;
    expect(mapLogRocketLog('lr-web', { ...LOG }).nativeId).toBe(id);
    expect(mapLogRocketLog('lr-mobile', LOG).nativeId).toBe(id); // the id is the provider's, not per source
    expect(mapLogRocketLog('lr-web', { ...LOG, time: 'other display text' }).nativeId).toBe(id);
    const variants = [
      { ...LOG, created_date: '2024-02-02T20:48:40.376853Z' },
      { ...LOG, user: 'john@example.com' },
      { ...LOG, action: 'Deleted session' },
      { ...LOG, description: '1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/2' },
      // Field boundaries matter: moving text from one field to the next is another log.
      { ...LOG, action: 'Viewed', description: `session${LOG.description}` },
    ];
    const ids = variants.map((v) => mapLogRocketLog('lr-web', v).nativeId);
    for (const other of ids) expect(other).not.toBe(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(syntheticLogRocketId(LOG)).toBe(id);
  });

  it('tells identical logs of one instant apart, the same way on every read', () => {
    const events = [LOG, { ...LOG }, { ...LOG, action: 'Other' }, { ...LOG }].map((l) => mapLogRocketLog('lr-web', l));
    const first = withDistinctLogRocketIds(events).map((e) => e.nativeId);
    expect(new Set(first).size).toBe(4);
    expect(withDistinctLogRocketIds(events.map((e) => ({ ...e }))).map((e) => e.nativeId)).toEqual(first);
    expect(first[0]).toBe(events[0].nativeId);
  });

  it.each([
    ['not an object', 'a string'],
    ['null', null],
    ['an array', [LOG]],
    ['no created_date', { ...LOG, created_date: undefined }],
    ['created_date without zone', { ...LOG, created_date: '2024-02-02T20:48:40.376852' }],
    ['created_date as number', { ...LOG, created_date: 1706906920376 }],
    ['impossible date', { ...LOG, created_date: '2024-02-30T20:48:40.376852Z' }],
    ['no action', { ...LOG, action: undefined }],
    ['action not a string', { ...LOG, action: 7 }],
  ])('rejects a log with %s as UPSTREAM_BAD_RESPONSE naming the source', (_name, log) => {
    const withCanary = log !== null && typeof log === 'object' && !Array.isArray(log) ? { ...log, user: CANARY, description: CANARY } : log;
    expectBadResponse(() => mapLogRocketLog('lr-web', withCanary), 'lr-web', CANARY);
  });
});

describe('readLogRocketPage', () => {
  it('keeps a numeric cursor as a string, exactly', () => {
    expect(readLogRocketPage('lr-web', { has_next: true, cursor: 1706906952000, logs: [LOG] })).toEqual({
      logs: [LOG],
      hasNext: true,
      cursor: '1706906952000',
    });
    expect(readLogRocketPage('lr-web', { has_next: true, cursor: 'opaque==', logs: [] }).cursor).toBe('opaque==');
  });

  it('reads a missing cursor or has_next as the end', () => {
    expect(readLogRocketPage('lr-web', { logs: [] })).toEqual({ logs: [], hasNext: false, cursor: null });
    expect(readLogRocketPage('lr-web', { has_next: 'yes', cursor: null, logs: [] }).hasNext).toBe(false);
  });

  it.each([null, [], 'text', { has_next: true }, { logs: 'x' }])('rejects a body without a logs list (%j)', (body) => {
    expectBadResponse(() => readLogRocketPage('lr-web', body), 'lr-web');
  });
});

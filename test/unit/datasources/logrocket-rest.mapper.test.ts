import {
  readDataExportPage,
  readHighlightsCreated,
  readHighlightsStatus,
  readLogRocketHighlights,
  readLogRocketUser,
  readSessionHighlight,
  sessionUrl,
} from '../../../src/datasources/logrocket/logrocket-rest.mapper';
import { CANARY, expectBadResponse } from './mapper-test-helpers';

const APP = { orgId: 'acme', appId: 'web' };
const REQUESTED = { userId: 'u-1', name: 'Jane', email: 'jane@example.com', traits: { plan: 'pro' } };

describe('readLogRocketUser', () => {
  it('reads the documented `userID` shape', () => {
    expect(readLogRocketUser('lr', { userID: 'u-1', name: 'Jane', email: 'jane@example.com', traits: { age: '43' } }, REQUESTED)).toEqual({
      userId: 'u-1',
      name: 'Jane',
      email: 'jane@example.com',
      traits: { age: '43' },
    });
  });

  it("reads the third-party OpenAPI description's `userId` shape, and numeric ids", () => {
    expect(readLogRocketUser('lr', { userId: 'u-2', traits: {} }, REQUESTED).userId).toBe('u-2');
    expect(readLogRocketUser('lr', { userID: 1234 }, REQUESTED).userId).toBe('1234');
  });

  it('stringifies trait values that are not strings and drops blank and unreadable ones', () => {
    const user = readLogRocketUser(
      'lr',
      { userID: 'u', traits: { n: 43, b: false, gone: '', nested: { x: 1 }, nothing: null } },
      REQUESTED,
    );
    expect({ ...user.traits }).toEqual({ n: '43', b: 'false' });
  });

  it('keeps a trait called __proto__ as data', () => {
    const user = readLogRocketUser('lr', JSON.parse('{"userID":"u","traits":{"__proto__":"x"}}'), REQUESTED);
    expect(Object.keys(user.traits)).toEqual(['__proto__']);
    expect(user.traits['__proto__']).toBe('x');
  });

  it('falls back to the id sent and to what was sent when the 200 has no body', () => {
    expect(readLogRocketUser('lr', { name: 'Jane' }, REQUESTED).userId).toBe('u-1');
    expect(readLogRocketUser('lr', null, REQUESTED)).toBe(REQUESTED);
    expect(readLogRocketUser('lr', '', REQUESTED)).toBe(REQUESTED);
  });

  it('answers UPSTREAM_BAD_RESPONSE for what it cannot read, without echoing it', () => {
    expectBadResponse(() => readLogRocketUser('lr', [CANARY], REQUESTED), 'lr', CANARY);
    expectBadResponse(() => readLogRocketUser('lr', `<html>${CANARY}</html>`, REQUESTED), 'lr', CANARY);
    expectBadResponse(() => readLogRocketUser('lr', { userID: 'u', traits: CANARY }, REQUESTED), 'lr', CANARY);
  });
});

describe('highlights', () => {
  it.each([
    ['READY', 'READY'],
    ['COMPLETE', 'READY'],
    ['complete', 'READY'],
    ['FAILED', 'FAILED'],
    ['PENDING', 'PENDING'],
    ['IN_PROGRESS', 'PENDING'],
    [undefined, 'PENDING'],
  ] as const)('reads status %s as %s', (wire, expected) => {
    expect(readHighlightsStatus(wire, false)).toBe(expected);
  });

  it('takes a result without status as READY', () => {
    expect(readHighlightsStatus(undefined, true)).toBe('READY');
  });

  it('reads the documented GET answer', () => {
    const read = readLogRocketHighlights(
      'lr',
      {
        requestID: 'r-1',
        appID: 'web',
        status: 'READY',
        result: { highlights: '# Summary', sessions: [{ recordingID: '6-abc', sessionID: 0, highlights: 'one' }] },
      },
      APP,
    );
    expect(read).toEqual({
      requestId: 'r-1',
      status: 'READY',
      summary: '# Summary',
      sessions: [{ recordingId: '6-abc', sessionId: 0, summary: 'one', url: 'https://app.logrocket.com/acme/web/s/6-abc/0' }],
    });
  });

  it("reads the third-party OpenAPI description's COMPLETE with string session ids", () => {
    const read = readLogRocketHighlights(
      'lr',
      {
        requestID: 'r-2',
        status: 'COMPLETE',
        result: {
          highlights: 'sum',
          sessions: [{ sessionId: '6-abc/3', highlights: 'a' }, { sessionId: '6-def', highlights: 'b' }, { sessionId: 7 }],
        },
      },
      APP,
    );
    expect(read.status).toBe('READY');
    expect(read.sessions).toEqual([
      { recordingId: '6-abc', sessionId: 3, summary: 'a', url: 'https://app.logrocket.com/acme/web/s/6-abc/3' },
      { recordingId: '6-def', sessionId: null, summary: 'b', url: 'https://app.logrocket.com/acme/web/s/6-def' },
      { recordingId: '7', sessionId: null, summary: '', url: 'https://app.logrocket.com/acme/web/s/7' },
    ]);
  });

  it('takes a numeric-string sessionID beside a recordingID, and skips sessions that name nothing', () => {
    expect(readSessionHighlight(APP, { recordingID: 'r', sessionID: '2', highlights: 'x' })).toMatchObject({
      recordingId: 'r',
      sessionId: 2,
    });
    expect(readSessionHighlight(APP, { highlights: 'x' })).toBeNull();
    expect(readSessionHighlight(APP, 'junk')).toBeNull();
  });

  it('hides results of requests that are not READY', () => {
    const read = readLogRocketHighlights(
      'lr',
      { requestID: 'r', status: 'PENDING', result: { highlights: 'early', sessions: [{ recordingID: 'x' }] } },
      APP,
    );
    expect(read).toEqual({ requestId: 'r', status: 'PENDING', summary: null, sessions: [] });
  });

  it('reads a push that carries the result at the top level', () => {
    const read = readLogRocketHighlights('lr', { requestId: 'r-3', highlights: 'top', sessions: [] }, APP);
    expect(read).toMatchObject({ requestId: 'r-3', status: 'READY', summary: 'top' });
  });

  it('reads the POST answer in both shapes, and insists on an id', () => {
    expect(readHighlightsCreated('lr', { id: 'r-4' }, APP)).toMatchObject({ requestId: 'r-4', status: 'PENDING' });
    expect(readHighlightsCreated('lr', { id: 12 }, APP).requestId).toBe('12');
    expect(readHighlightsCreated('lr', { requestID: 'r-5', appID: 'web', status: 'PENDING', result: null }, APP)).toMatchObject({
      requestId: 'r-5',
    });
    expectBadResponse(() => readHighlightsCreated('lr', { status: 'PENDING' }, APP), 'lr');
    expectBadResponse(() => readHighlightsCreated('lr', CANARY, APP), 'lr', CANARY);
  });

  it('escapes path segments of session URLs', () => {
    expect(sessionUrl({ orgId: 'a b', appId: 'c/d' }, 'r?x', null)).toBe('https://app.logrocket.com/a%20b/c%2Fd/s/r%3Fx');
  });
});

describe('readDataExportPage', () => {
  it('keeps the cursor as text, whatever JSON type it came as', () => {
    expect(readDataExportPage('lr', { cursor: '00012', sessions: [{ url: 'https://x/1.jsonl' }] })).toEqual({
      cursor: '00012',
      urls: ['https://x/1.jsonl'],
    });
    expect(readDataExportPage('lr', { cursor: 1706906952000, sessions: [] }).cursor).toBe('1706906952000');
    expect(readDataExportPage('lr', { sessions: [] })).toEqual({ cursor: null, urls: [] });
    expect(readDataExportPage('lr', { cursor: 'c' }).urls).toEqual([]);
  });

  it('answers UPSTREAM_BAD_RESPONSE for pages it cannot read', () => {
    expectBadResponse(() => readDataExportPage('lr', { sessions: CANARY }), 'lr', CANARY);
    expectBadResponse(() => readDataExportPage('lr', { sessions: [{ file: CANARY }] }), 'lr', CANARY);
    expectBadResponse(() => readDataExportPage('lr', null), 'lr');
  });
});

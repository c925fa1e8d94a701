import {
  startLogRocketSimulator,
  type LogRocketAuditLog,
  type LogRocketAuditLogPage,
  type LogRocketSimulator,
} from '../../../src/simulators';
import { FIXED_NOW, fixedClock, get, getJson } from './simulator-test-helpers';

describe('LogRocket simulator', () => {
  let sim: LogRocketSimulator;
  let listUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startLogRocketSimulator({ count: 400, seed: 7, now: fixedClock, bigTieGroup: 25 });
    listUrl = `${sim.baseUrl}/v1/orgs/${sim.orgId}/apps/${sim.appId}/audit/logs/`;
    auth = { authorization: `token ${sim.apiKey}` };
  });
  afterAll(() => sim.close());

  const key = (log: LogRocketAuditLog): string => JSON.stringify(log);

  async function pageAll(
    limit: number,
    onPage?: (page: LogRocketAuditLogPage, index: number) => void,
  ): Promise<{ logs: LogRocketAuditLog[]; cursors: (string | number | null)[] }> {
    const logs: LogRocketAuditLog[] = [];
    const cursors: (string | number | null)[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i += 1) {
      const url = `${listUrl}?limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const page = await getJson<LogRocketAuditLogPage>(url, auth);
      onPage?.(page, i);
      logs.push(...page.logs);
      cursors.push(page.cursor);
      if (!page.has_next) return { logs, cursors };
      cursor = String(page.cursor);
    }
    throw new Error('did not finish');
  }

  it('rejects missing or wrong credentials with a text message', async () => {
    for (const headers of [{}, { authorization: 'token nope' }, { authorization: `Bearer ${sim.apiKey}` }] as Record<string, string>[]) {
      const answer = await get(listUrl, headers);
      expect(answer.status).toBe(401);
      expect(answer.contentType).toMatch(/^text\/plain/);
      expect(answer.text.length).toBeGreaterThan(0);
    }
  });

  it('needs the trailing slash and the right org and app', async () => {
    expect((await get(listUrl.slice(0, -1), auth)).status).toBe(404);
    const wrongApp = await get(`${sim.baseUrl}/v1/orgs/${sim.orgId}/apps/other/audit/logs/`, auth);
    expect(wrongApp.status).toBe(404);
    expect(wrongApp.contentType).toMatch(/^text\/plain/);
  });

  it('defaults limit to 10 and rejects limits outside 1..100', async () => {
    expect((await getJson<LogRocketAuditLogPage>(listUrl, auth)).logs).toHaveLength(10);
    expect((await getJson<LogRocketAuditLogPage>(`${listUrl}?limit=100`, auth)).logs).toHaveLength(100);
    for (const limit of ['0', '101', 'ten', '']) {
      const answer = await get(`${listUrl}?limit=${limit}`, auth);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^text\/plain/);
    }
  });

  it('stamps records with microseconds, with same-ms and same-µs ties', () => {
    const records = sim.records();
    expect(records).toHaveLength(400);
    for (const record of records) {
      expect(record.created_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      expect(record.time).toMatch(/^\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}[AP]M$/);
    }
    const sameMicros = records.filter((r, i) => i > 0 && r.created_date === records[i - 1]?.created_date).length;
    const sameMsOnly = records.filter(
      (r, i) =>
        i > 0 &&
        r.created_date !== records[i - 1]?.created_date &&
        r.created_date.slice(0, 23) === records[i - 1]?.created_date.slice(0, 23),
    ).length;
    expect(sameMicros).toBeGreaterThanOrEqual(24);
    expect(sameMsOnly).toBeGreaterThan(0);
    expect(records.some((r) => r.action === 'Viewed session' && /^\d-[0-9a-f-]{36}\/\d$/.test(r.description))).toBe(true);
    expect(records.some((r) => !r.user.includes('@'))).toBe(true);
  });

  it.each([1, 7, 10, 100])('pages ascending through everything exactly once with limit %i', async (limit) => {
    const { logs, cursors } = await pageAll(limit);
    expect(logs.map(key)).toEqual(sim.records().map(key));
    const created = logs.map((log) => log.created_date);
    expect([...created].sort()).toEqual(created);
    if (limit < 100) {
      expect(cursors.some((cursor) => typeof cursor === 'number')).toBe(true);
      expect(cursors.some((cursor) => typeof cursor === 'string')).toBe(true);
    }
  });

  it('numeric cursors are epoch ms, inclusive; opaque cursors must be genuine', async () => {
    const records = sim.records();
    const target = records[150] as LogRocketAuditLog;
    const ms = Date.parse(target.created_date.slice(0, 23) + 'Z');
    const page = await getJson<LogRocketAuditLogPage>(`${listUrl}?limit=5&cursor=${ms}`, auth);
    const firstAtMs = records.find((r) => Date.parse(r.created_date.slice(0, 23) + 'Z') >= ms);
    expect(page.logs[0]).toEqual(firstAtMs);
    for (const bad of ['abc', 'eyJtIjoxfQ.xxxxxxxx', '-5', '12.5']) {
      const answer = await get(`${listUrl}?cursor=${encodeURIComponent(bad)}`, auth);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^text\/plain/);
    }
  });

  it('hands out a numeric cursor only when the next page starts at a fresh millisecond', async () => {
    const records = sim.records();
    await pageAll(3, (page, index) => {
      const consumed = (index + 1) * 3;
      const last = records[consumed - 1];
      const next = records[consumed];
      if (!page.has_next || !last || !next) return;
      const freshMs = next.created_date.slice(0, 23) !== last.created_date.slice(0, 23);
      expect(typeof page.cursor).toBe(freshMs ? 'number' : 'string');
    });
  });

  it('keeps its position while records are inserted, and reports has_next false at the end', async () => {
    const local = await startLogRocketSimulator({ count: 60, seed: 3, now: fixedClock });
    try {
      const url = `${local.baseUrl}/v1/orgs/demo-org/apps/web/audit/logs/?limit=25`;
      const headers = { authorization: 'token lr-demo-key' };
      const before = local.records();
      const first = await getJson<LogRocketAuditLogPage>(url, headers);
      const inserted = local.insert(4);
      expect(inserted.every((log) => log.created_date === '2025-03-01T12:00:00.000000Z')).toBe(true);
      local.insert(2, { at: new Date(FIXED_NOW.getTime() - 10 * 86_400_000) });
      const seen = [...first.logs];
      let cursor = String(first.cursor);
      for (;;) {
        const page = await getJson<LogRocketAuditLogPage>(`${url}&cursor=${encodeURIComponent(cursor)}`, headers);
        seen.push(...page.logs);
        if (!page.has_next) {
          expect(page.cursor).not.toBeNull();
          break;
        }
        cursor = String(page.cursor);
      }
      const seenKeys = seen.map(key);
      expect(new Set(seenKeys).size).toBe(seenKeys.length);
      for (const log of [...before, ...inserted]) expect(seenKeys).toContain(key(log));
    } finally {
      await local.close();
    }
  });
});

describe('LogRocket simulator: highlight pushes', () => {
  it('pushes only finished results, even when its timer fires a millisecond before Date.now() reaches the due time', async () => {
    const { createServer } = await import('node:http');
    const bodies: { status: string }[] = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as import('node:net').AddressInfo;
    // Node fires about one timer in twenty "early" by Date.now(); 60 requests catch it almost surely.
    const sim = await startLogRocketSimulator({ count: 1, highlightDelayMs: 20 });
    try {
      const url = `${sim.baseUrl}/v1/orgs/${sim.orgId}/apps/${sim.appId}/highlights/`;
      const asks = Array.from({ length: 60 }, (_, i) =>
        fetch(url, {
          method: 'POST',
          headers: { authorization: `token ${sim.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userID: `user-${i}`, webhookURL: `http://127.0.0.1:${port}/hook` }),
        }).then((r) => r.arrayBuffer()),
      );
      await Promise.all(asks);
      const until = Date.now() + 5_000;
      while (bodies.length < 60 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bodies).toHaveLength(60);
      expect(bodies.filter((b) => b.status !== 'READY')).toEqual([]);
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

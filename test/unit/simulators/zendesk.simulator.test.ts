import {
  startZendeskSimulator,
  type ZendeskAuditLog,
  type ZendeskCursorPage,
  type ZendeskOffsetPage,
  type ZendeskSimulator,
} from '../../../src/simulators';
import { FIXED_NOW, countBy, fixedClock, get, getJson } from './simulator-test-helpers';

describe('Zendesk simulator', () => {
  let sim: ZendeskSimulator;
  let listUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startZendeskSimulator({ count: 600, seed: 11, now: fixedClock, bigTieGroup: 30 });
    listUrl = `${sim.baseUrl}/api/v2/audit_logs.json`;
    auth = { authorization: `Basic ${Buffer.from(`${sim.email}/token:${sim.apiToken}`).toString('base64')}` };
  });
  afterAll(() => sim.close());

  const byPosition =
    (direction: 1 | -1) =>
    (a: ZendeskAuditLog, b: ZendeskAuditLog): number =>
      direction * (a.created_at.localeCompare(b.created_at) || a.id - b.id);

  async function pageAll(query: string, headers = auth): Promise<ZendeskAuditLog[]> {
    const logs: ZendeskAuditLog[] = [];
    let url = `${listUrl}?${query}`;
    for (let i = 0; i < 1000; i += 1) {
      const page = await getJson<ZendeskCursorPage>(url, headers);
      logs.push(...page.audit_logs);
      if (!page.meta.has_more) return logs;
      expect(page.links.next).not.toBeNull();
      url = page.links.next as string;
    }
    throw new Error('did not finish');
  }

  it('rejects bad credentials with its JSON error and accepts token and OAuth auth', async () => {
    for (const headers of [
      {},
      { authorization: `Basic ${Buffer.from(`${sim.email}/token:wrong`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${sim.email}:${sim.apiToken}`).toString('base64')}` },
      { authorization: 'Bearer wrong' },
    ] as Record<string, string>[]) {
      const answer = await get(`${listUrl}?page[size]=1`, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: "Couldn't authenticate you" });
    }
    expect((await get(`${listUrl}?page[size]=1`, auth)).status).toBe(200);
    expect((await get(`${sim.baseUrl}/api/v2/audit_logs?page[size]=1`, { authorization: `Bearer ${sim.oauthToken}` })).status).toBe(200);
  });

  it('makes records shaped like the real API, with second precision and many ties', () => {
    const records = sim.records();
    for (const record of records) {
      expect(Number.isInteger(record.id)).toBe(true);
      expect(record.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(['create', 'destroy', 'exported', 'login', 'update']).toContain(record.action);
      expect(record.url).toBe(`${sim.baseUrl}/api/v2/audit_logs/${record.id}.json`);
    }
    const tied = [...countBy(records, (r) => r.created_at).values()].filter((n) => n > 1).reduce((a, b) => a + b, 0);
    expect(tied / records.length).toBeGreaterThan(0.1);
    expect(Math.max(...countBy(records, (r) => r.created_at).values())).toBeGreaterThanOrEqual(30);
  });

  it('rejects page[size] outside 1..100', async () => {
    for (const size of ['101', '0', 'x']) {
      const answer = await get(`${listUrl}?page[size]=${size}`, auth);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).errors[0].code).toBe('InvalidPaginationParameter');
    }
  });

  it.each([
    ['newest first by default', '', -1],
    ['-created_at', '&sort=-created_at', -1],
    ['created_at', '&sort=created_at', 1],
  ] as const)('pages through everything exactly once: %s', async (_label, sort, direction) => {
    for (const size of [100, 7]) {
      const logs = await pageAll(`page[size]=${size}${sort}`);
      expect(logs).toEqual([...sim.records()].sort(byPosition(direction)));
    }
  });

  it('page[before] returns the preceding page in the same order', async () => {
    const first = await getJson<ZendeskCursorPage>(`${listUrl}?page[size]=20`, auth);
    const second = await getJson<ZendeskCursorPage>(first.links.next as string, auth);
    const back = await getJson<ZendeskCursorPage>(second.links.prev as string, auth);
    expect(back.audit_logs).toEqual(first.audit_logs);
    expect(back.meta.has_more).toBe(false);
    const third = await getJson<ZendeskCursorPage>(second.links.next as string, auth);
    const backFromThird = await getJson<ZendeskCursorPage>(
      `${listUrl}?page[size]=20&page[before]=${encodeURIComponent(third.meta.before_cursor as string)}`,
      auth,
    );
    expect(backFromThird.audit_logs).toEqual(second.audit_logs);
    expect(backFromThird.meta.has_more).toBe(true);
  });

  it('rejects combined, foreign or forged cursors', async () => {
    const page = await getJson<ZendeskCursorPage>(`${listUrl}?page[size]=5`, auth);
    const after = encodeURIComponent(page.meta.after_cursor as string);
    const before = encodeURIComponent(page.meta.before_cursor as string);
    for (const query of [
      `page[size]=5&page[after]=${after}&page[before]=${before}`,
      `page[size]=5&sort=created_at&page[after]=${after}`,
      'page[size]=5&page[after]=bm90LWEtY3Vyc29y',
      'page[size]=5&sort=id',
    ]) {
      const answer = await get(`${listUrl}?${query}`, auth);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).errors[0].code).toBe('InvalidPaginationParameter');
    }
  });

  it('stays exact when records arrive while paging', async () => {
    const local = await startZendeskSimulator({ count: 150, seed: 5, now: fixedClock });
    try {
      const headers = { authorization: `Bearer ${local.oauthToken}` };
      const before = local.records();
      let url = `${local.baseUrl}/api/v2/audit_logs?page[size]=40&sort=created_at`;
      const seen: ZendeskAuditLog[] = [];
      for (let i = 0; ; i += 1) {
        const page = await getJson<ZendeskCursorPage>(url, headers);
        seen.push(...page.audit_logs);
        local.insert(3, { at: i % 2 ? FIXED_NOW : new Date(FIXED_NOW.getTime() - 30 * 86_400_000) });
        if (!page.meta.has_more) break;
        url = page.links.next as string;
      }
      const ids = seen.map((log) => log.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const log of before) expect(ids).toContain(log.id);
    } finally {
      await local.close();
    }
  });

  it('uses offset paging with its own envelope when page[size] is absent', async () => {
    const page = await getJson<ZendeskOffsetPage>(`${listUrl}?per_page=50&page=2`, auth);
    expect(Object.keys(page).sort()).toEqual(['audit_logs', 'count', 'next_page', 'previous_page']);
    expect(page.count).toBe(600);
    expect(page.audit_logs).toEqual([...sim.records()].sort(byPosition(-1)).slice(50, 100));
    expect(page.next_page).toContain('page=3');
    expect(page.previous_page).toContain('page=1');
    const defaults = await getJson<ZendeskOffsetPage>(`${listUrl}?page[after]=ignored`, auth);
    expect(defaults.audit_logs).toHaveLength(100);
    const asc = await getJson<ZendeskOffsetPage>(`${listUrl}?sort_order=asc&per_page=5`, auth);
    expect(asc.audit_logs).toEqual([...sim.records()].sort(byPosition(1)).slice(0, 5));
    const tooDeep = await get(`${listUrl}?page=101&per_page=100`, auth);
    expect(tooDeep.status).toBe(400);
  });

  it('ORs repeated filter[action][] values and ANDs different filters', async () => {
    const records = sim.records();
    const logs = await pageAll('page[size]=100&filter[action][]=login&filter[action][]=exported');
    expect(logs).toEqual(records.filter((r) => r.action === 'login' || r.action === 'exported').sort(byPosition(-1)));
    const actor = records[0] as ZendeskAuditLog;
    const narrowed = await pageAll(`page[size]=100&filter[action]=login&filter[actor_id]=${actor.actor_id}`);
    expect(narrowed).toEqual(records.filter((r) => r.action === 'login' && r.actor_id === actor.actor_id).sort(byPosition(-1)));
    const offset = await getJson<ZendeskOffsetPage>(`${listUrl}?filter[action][]=update&filter[action][]=create`, auth);
    expect(offset.count).toBe(records.filter((r) => r.action === 'update' || r.action === 'create').length);
  });

  it('needs filter[created_at][] exactly twice, both bounds inclusive', async () => {
    const records = [...sim.records()].sort(byPosition(1));
    const from = (records[100] as ZendeskAuditLog).created_at;
    const to = (records[200] as ZendeskAuditLog).created_at;
    const logs = await pageAll(`page[size]=100&sort=created_at&filter[created_at][]=${from}&filter[created_at][]=${to}`);
    expect(logs).toEqual(records.filter((r) => r.created_at >= from && r.created_at <= to));
    for (const query of [
      `filter[created_at][]=${from}`,
      `filter[created_at]=${from}`,
      `filter[created_at][]=${from}&filter[created_at][]=yesterday`,
    ]) {
      expect((await get(`${listUrl}?page[size]=10&${query}`, auth)).status).toBe(400);
    }
    expect((await get(`${listUrl}?page[size]=10&filter[source_id]=5`, auth)).status).toBe(400);
  });

  it('shows one record, or a RecordNotFound error', async () => {
    const record = sim.records()[3] as ZendeskAuditLog;
    expect(await getJson(`${sim.baseUrl}/api/v2/audit_logs/${record.id}.json`, auth)).toEqual({ audit_log: record });
    expect(await getJson(`${sim.baseUrl}/api/v2/audit_logs/${record.id}`, auth)).toEqual({ audit_log: record });
    const missing = await get(`${sim.baseUrl}/api/v2/audit_logs/1`, auth);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });

  it('enforces its per-minute budget with X-Rate-Limit headers and Retry-After', async () => {
    let clock = new Date('2025-03-01T12:00:15.000Z');
    const local = await startZendeskSimulator({ count: 10, now: () => clock, rateLimitPerMinute: 3 });
    try {
      const headers = { authorization: `Bearer ${local.oauthToken}` };
      const url = `${local.baseUrl}/api/v2/audit_logs?page[size]=5`;
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 3; i += 1) {
        const answer = await get(url, headers);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-rate-limit')).toBe('3');
        remaining.push(answer.headers.get('x-rate-limit-remaining'));
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const limited = await get(url, headers);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('45');
      clock = new Date('2025-03-01T12:01:00.000Z');
      expect((await get(url, headers)).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('sends the account quota headers on every answer, errors and injected faults included', async () => {
    const clock = new Date('2025-03-01T12:00:15.000Z');
    const local = await startZendeskSimulator({ count: 10, now: () => clock, rateLimitPerMinute: 10 });
    try {
      const headers = { authorization: `Bearer ${local.oauthToken}` };
      const url = `${local.baseUrl}/api/v2/audit_logs?page[size]=5`;
      const seen: [number, string | null, string | null][] = [];
      const record = (answer: Awaited<ReturnType<typeof get>>) =>
        seen.push([answer.status, answer.headers.get('x-rate-limit'), answer.headers.get('x-rate-limit-remaining')]);
      record(await get(url, headers));
      record(await get(url, {}));
      record(await get(`${local.baseUrl}/api/v2/audit_logs/1`, headers));
      for (const fault of [{ status: 503 }, { status: 500 }, { rateLimited: { retryAfterSeconds: 2 } }]) {
        local.injectFault({ ...fault, times: 1 });
        record(await get(url, headers));
      }
      expect(seen).toEqual([
        [200, '10', '9'],
        [401, '10', '8'],
        [404, '10', '7'],
        [503, '10', '7'],
        [500, '10', '7'],
        [429, '10', '7'],
      ]);
    } finally {
      await local.close();
    }
  });
});

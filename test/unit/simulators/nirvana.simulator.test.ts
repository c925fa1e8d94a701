import { startNirvanaSimulator, type NirvanaAuditLog, type NirvanaAuditLogPage, type NirvanaSimulator } from '../../../src/simulators';
import { FIXED_NOW, countBy, fixedClock, get, getJson } from './simulator-test-helpers';

describe('Nirvana simulator', () => {
  let sim: NirvanaSimulator;
  let listUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startNirvanaSimulator({ count: 450, seed: 33, now: fixedClock, bigTieGroup: 20 });
    listUrl = `${sim.baseUrl}/v1/audit_logs`;
    auth = { authorization: `Bearer ${sim.apiKey}` };
  });
  afterAll(() => sim.close());

  async function pageAll(
    query: string,
    headers = auth,
    base = listUrl,
  ): Promise<{ items: NirvanaAuditLog[]; pages: NirvanaAuditLogPage[] }> {
    const items: NirvanaAuditLog[] = [];
    const pages: NirvanaAuditLogPage[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 1000; i += 1) {
      const page: NirvanaAuditLogPage = await getJson<NirvanaAuditLogPage>(
        `${base}?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        headers,
      );
      items.push(...page.items);
      pages.push(page);
      cursor = page.pagination.next_cursor;
      if (cursor === null) return { items, pages };
    }
    throw new Error('did not finish');
  }

  const sorted = (sort: string): NirvanaAuditLog[] => {
    const [field, direction] = sort.split(':');
    const sign = direction === 'asc' ? 1 : -1;
    const key = (log: NirvanaAuditLog): number => (field === 'status_code' ? log.status_code : Date.parse(log.created_at));
    return [...sim.records()].sort((a, b) => sign * (key(a) - key(b)) || (a.id < b.id ? -1 : 1));
  };

  it('rejects bad keys with {"message":"unauthorized"}', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: sim.apiKey }] as Record<string, string>[]) {
      const answer = await get(listUrl, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ message: 'unauthorized' });
    }
  });

  it('makes records shaped like the real API, including missing names and targets', () => {
    const records = sim.records();
    for (const record of records) {
      expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(record.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(['user', 'api_key']).toContain(record.actor.type);
    }
    expect(records.some((r) => r.actor.name === null)).toBe(true);
    expect(records.some((r) => !('name' in r.actor))).toBe(true);
    expect(records.some((r) => !('target' in r))).toBe(true);
    expect(Math.max(...countBy(records, (r) => r.created_at).values())).toBeGreaterThanOrEqual(20);
  });

  it('accepts limit 10..100 only', async () => {
    expect((await getJson<NirvanaAuditLogPage>(listUrl, auth)).items).toHaveLength(10);
    for (const limit of ['9', '101', '0', 'x']) {
      const answer = await get(`${listUrl}?limit=${limit}`, auth);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).message).toEqual(expect.any(String));
    }
    expect((await getJson<NirvanaAuditLogPage>(`${listUrl}?limit=100`, auth)).items).toHaveLength(100);
  });

  it.each(['created_at:desc', 'created_at:asc', 'status_code:asc', 'status_code:desc'])(
    'pages through everything exactly once with sort=%s',
    async (sort) => {
      const { items, pages } = await pageAll(`limit=37&sort=${sort}`);
      expect(items).toEqual(sorted(sort));
      expect(pages[0]?.pagination.previous_cursor).toBeNull();
      expect(pages.every((page) => page.pagination.total_count === 450)).toBe(true);
    },
  );

  it('defaults to newest first', async () => {
    expect((await pageAll('limit=100')).items).toEqual(sorted('created_at:desc'));
  });

  it('binds cursors to filters and sort, but not to limit', async () => {
    const first = await getJson<NirvanaAuditLogPage>(`${listUrl}?limit=10&action=vm.updated`, auth);
    const cursor = encodeURIComponent(first.pagination.next_cursor as string);
    for (const query of [
      `action=vm.deleted&cursor=${cursor}`,
      `cursor=${cursor}`,
      `action=vm.updated&sort=created_at:asc&cursor=${cursor}`,
    ]) {
      const answer = await get(`${listUrl}?${query}`, auth);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ message: 'cursor does not match query' });
    }
    const next = await getJson<NirvanaAuditLogPage>(`${listUrl}?limit=20&action=vm.updated&cursor=${cursor}`, auth);
    expect(next.items).toEqual(
      sorted('created_at:desc')
        .filter((r) => r.action === 'vm.updated')
        .slice(10, 30),
    );
    expect((await get(`${listUrl}?cursor=garbage`, auth)).status).toBe(400);
  });

  it('rejects repeated filter keys and malformed filter values', async () => {
    for (const query of [
      'action=a&action=b',
      'limit=10&limit=20',
      'created_at_min=2025-01-01',
      'actor_type=robot',
      'status_code_min=2xx',
      'sort=created_at',
    ]) {
      expect({ query, status: (await get(`${listUrl}?${query}`, auth)).status }).toEqual({ query, status: 400 });
    }
  });

  it('filters single-valued fields, time bounds inclusive', async () => {
    const asc = sorted('created_at:asc');
    const min = (asc[50] as NirvanaAuditLog).created_at;
    const max = (asc[150] as NirvanaAuditLog).created_at;
    const { items } = await pageAll(
      `limit=100&sort=created_at:asc&created_at_min=${min}&created_at_max=${max}&actor_type=api_key&path=/compute/&status_code_max=299`,
    );
    expect(items).toEqual(
      asc.filter(
        (r) =>
          r.created_at >= min && r.created_at <= max && r.actor.type === 'api_key' && r.path.includes('/compute/') && r.status_code <= 299,
      ),
    );
    expect(items.length).toBeGreaterThan(0);
  });

  it('walks back with previous_cursor', async () => {
    const { pages } = await pageAll('limit=40');
    const third = pages[2] as NirvanaAuditLogPage;
    const back = await getJson<NirvanaAuditLogPage>(
      `${listUrl}?limit=40&cursor=${encodeURIComponent(third.pagination.previous_cursor as string)}`,
      auth,
    );
    expect(back.items).toEqual(pages[1]?.items);
    const first = await getJson<NirvanaAuditLogPage>(
      `${listUrl}?limit=40&cursor=${encodeURIComponent(back.pagination.previous_cursor as string)}`,
      auth,
    );
    expect(first.items).toEqual(pages[0]?.items);
    expect(first.pagination.previous_cursor).toBeNull();
    expect(pages[pages.length - 1]?.pagination.next_cursor).toBeNull();
  });

  it('stays exact when records arrive while paging', async () => {
    const local = await startNirvanaSimulator({ count: 120, seed: 8, now: fixedClock });
    try {
      const headers = { authorization: `Bearer ${local.apiKey}` };
      const before = local.records();
      const seen: NirvanaAuditLog[] = [];
      let cursor: string | null = null;
      do {
        const page: NirvanaAuditLogPage = await getJson<NirvanaAuditLogPage>(
          `${local.baseUrl}/v1/audit_logs?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          headers,
        );
        seen.push(...page.items);
        local.insert(2, { at: FIXED_NOW });
        cursor = page.pagination.next_cursor;
      } while (cursor !== null);
      const ids = seen.map((log) => log.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(before.map((log) => log.id).sort());
    } finally {
      await local.close();
    }
  });

  it('gets one record as a bare object, or a not-found message', async () => {
    const record = sim.records()[5] as NirvanaAuditLog;
    expect(await getJson(`${listUrl}/${record.id}`, auth)).toEqual(record);
    const missing = await get(`${listUrl}/00000000-0000-4000-8000-000000000000`, auth);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ message: 'audit log not found' });
  });
});

import { startLosantSimulator, type LosantAuditLog, type LosantAuditLogPage, type LosantSimulator } from '../../../src/simulators';
import { countBy, fixedClock, get, getJson } from './simulator-test-helpers';

describe('Losant simulator', () => {
  let sim: LosantSimulator;
  let listUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startLosantSimulator({ count: 500, seed: 21, now: fixedClock, bigTieGroup: 40 });
    listUrl = `${sim.baseUrl}/orgs/${sim.orgId}/audit-logs`;
    auth = { authorization: `Bearer ${sim.apiToken}` };
  });
  afterAll(() => sim.close());

  const ids = (logs: readonly LosantAuditLog[]): string[] => logs.map((log) => log.id);

  it('rejects bad tokens and unknown organisations in its {type, message} format', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `token ${sim.apiToken}` }] as Record<string, string>[]) {
      const answer = await get(listUrl, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ type: 'Unauthorized', message: expect.any(String) });
    }
    const unknown = await get(`${sim.baseUrl}/orgs/000000000000000000000000/audit-logs`, auth);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ type: 'NotFound', message: 'Organization was not found' });
  });

  it('makes records shaped like the real API', () => {
    const records = sim.records();
    for (const record of records) {
      expect(record.id).toMatch(/^[0-9a-f]{24}$/);
      expect(record.auditLogId).toBe(record.id);
      expect(record.creationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(['Application', 'Device', 'Flow', 'User', 'ApiToken']).toContain(record.actorType);
      expect(['Application', 'Dashboard', 'OrgInvite']).toContain(record.primaryTargetType);
    }
    expect(records.some((record) => record.secondaryTargetId === undefined)).toBe(true);
    expect(records.some((record) => record.secondaryTargetType === 'Device')).toBe(true);
  });

  it('answers with the documented envelope and defaults', async () => {
    const page = await getJson<LosantAuditLogPage>(listUrl, auth);
    expect(page).toMatchObject({
      count: 100,
      totalCount: 500,
      perPage: 100,
      page: 0,
      sortField: 'creationDate',
      sortDirection: 'desc',
      orgId: sim.orgId,
    });
    const dates = page.items.map((item) => item.creationDate);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('rejects perPage outside 1..1000 and other malformed queries', async () => {
    for (const query of [
      'perPage=0',
      'perPage=1001',
      'perPage=x',
      'page=-1',
      'sortField=id',
      'sortDirection=up',
      'start=yesterday',
      'auditLogFilter[actor][0][kind]=User',
      'auditLogFilter[actor][0][id]=nothex',
      'auditLogFilter[responseCode][0]=ok',
      'auditLogFilter[colour][0][id]=x',
      'auditLogFilter=%7B%7D',
    ]) {
      const answer = await get(`${listUrl}?${query}`, auth);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(JSON.parse(answer.text).type).toBe('Validation');
    }
    expect((await get(`${listUrl}?perPage=1000`, auth)).status).toBe(200);
  });

  it.each([
    ['creationDate', 'asc'],
    ['creationDate', 'desc'],
    ['responseStatus', 'asc'],
    ['responseStatus', 'desc'],
    ['actorName', 'asc'],
    ['actorName', 'desc'],
  ] as const)('sorts by %s %s; one page of everything holds every record once', async (sortField, sortDirection) => {
    const value = (log: LosantAuditLog): string | number =>
      sortField === 'creationDate' ? log.creationDate : sortField === 'responseStatus' ? log.responseStatus : log.actorName;
    const all = await getJson<LosantAuditLogPage>(`${listUrl}?perPage=1000&sortField=${sortField}&sortDirection=${sortDirection}`, auth);
    expect([...ids(all.items)].sort()).toEqual(ids(sim.records()).sort());
    const expected = sim
      .records()
      .map(value)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (sortDirection === 'desc') expected.reverse();
    expect(all.items.map(value)).toEqual(expected);
    const paged: LosantAuditLog[] = [];
    for (let page = 0; page * 100 < all.totalCount; page += 1) {
      paged.push(
        ...(
          await getJson<LosantAuditLogPage>(
            `${listUrl}?perPage=100&page=${page}&sortField=${sortField}&sortDirection=${sortDirection}`,
            auth,
          )
        ).items,
      );
    }
    expect(paged.map(value)).toEqual(expected);
  });

  it('reshuffles records with equal sort values on every call', async () => {
    const tieDate = [...countBy(sim.records(), (r) => r.creationDate)].find(([, n]) => n >= 40)?.[0];
    expect(tieDate).toBeDefined();
    const tieOrder = async (): Promise<string[]> =>
      ids((await getJson<LosantAuditLogPage>(`${listUrl}?perPage=1000`, auth)).items.filter((item) => item.creationDate === tieDate));
    const first = await tieOrder();
    const second = await tieOrder();
    expect([...first].sort()).toEqual([...second].sort());
    expect(second).not.toEqual(first);
  });

  it('shifts offsets when records arrive between two pages', async () => {
    const local = await startLosantSimulator({ count: 80, seed: 4, now: fixedClock });
    try {
      const url = `${local.baseUrl}/orgs/${local.orgId}/audit-logs?perPage=10&page=`;
      const headers = { authorization: `Bearer ${local.apiToken}` };
      const page0 = await getJson<LosantAuditLogPage>(`${url}0`, headers);
      local.insert(3);
      const page1 = await getJson<LosantAuditLogPage>(`${url}1`, headers);
      expect(page1.totalCount).toBe(83);
      expect(page1.items.slice(0, 3).map((i) => i.creationDate)).toEqual(page0.items.slice(7).map((i) => i.creationDate));
    } finally {
      await local.close();
    }
  });

  it('filters with OR inside a list and AND across lists, and by inclusive start/end', async () => {
    const records = sim.records();
    const user = records.find((r) => r.actorType === 'User') as LosantAuditLog;
    const query = [
      'auditLogFilter[actor][0][type]=User',
      `auditLogFilter[actor][0][id]=${user.actorId}`,
      'auditLogFilter[actor][1][type]=ApiToken',
      'auditLogFilter[primaryTarget][0][type]=Application',
      'auditLogFilter[responseCode][0]=200',
      'auditLogFilter[responseCode][1]=201',
    ].join('&');
    const page = await getJson<LosantAuditLogPage>(`${listUrl}?perPage=1000&${query}`, auth);
    const expected = records.filter(
      (r) =>
        ((r.actorType === 'User' && r.actorId === user.actorId) || r.actorType === 'ApiToken') &&
        r.primaryTargetType === 'Application' &&
        [200, 201].includes(r.responseStatus),
    );
    expect(page.totalCount).toBe(expected.length);
    expect(ids(page.items).sort()).toEqual(ids(expected).sort());
    const request = await getJson<LosantAuditLogPage>(
      `${listUrl}?perPage=1000&auditLogFilter[request][0][resource]=device&auditLogFilter[request][0][action]=patch`,
      auth,
    );
    expect(request.totalCount).toBe(records.filter((r) => r.requestResource === 'device' && r.requestAction === 'patch').length);

    const start = Date.parse((records[100] as LosantAuditLog).creationDate);
    const end = Date.parse((records[200] as LosantAuditLog).creationDate);
    const ranged = await getJson<LosantAuditLogPage>(`${listUrl}?perPage=1000&start=${start}&end=${end}`, auth);
    expect(ranged.totalCount).toBe(records.filter((r) => Date.parse(r.creationDate) >= start && Date.parse(r.creationDate) <= end).length);
    expect(ranged.totalCount).toBeGreaterThanOrEqual(101);
  });

  it('gets one record, or a NotFound error', async () => {
    const record = sim.records()[9] as LosantAuditLog;
    expect(await getJson(`${listUrl}/${record.id}`, auth)).toEqual(record);
    const missing = await get(`${listUrl}/ffffffffffffffffffffffff`, auth);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ type: 'NotFound', message: 'Audit log was not found' });
  });
});

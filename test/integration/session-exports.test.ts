import { REST_KEYS, restRequests, startRestHarness, type RestHarness } from '../support/logrocket-rest-harness';

const PAGE = `query E($source: String, $since: DateTime, $first: Int, $after: String) {
  sessionExports(source: $source, since: $since, first: $first, after: $after) {
    edges { cursor node { url } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  edges: { cursor: string; node: { url: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe('sessionExports over the LogRocket data export', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness({ sim: { exportCount: 57 } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.web.resetRequests();
    h.web.clearFaults();
  });

  async function page(variables: Record<string, unknown>, key?: string): Promise<Page> {
    const response = await h.gql(PAGE, variables, key);
    expect(response.errors).toBeUndefined();
    return response.data!.sessionExports as Page;
  }

  async function walk(
    first: number,
    variables: Record<string, unknown> = {},
  ): Promise<{ urls: string[]; pages: number; endCursor: string | null }> {
    const urls: string[] = [];
    let after: string | null = null;
    for (let pages = 1; pages < 500; pages += 1) {
      const p: Page = await page({ ...variables, first, after });
      urls.push(...p.edges.map((e) => e.node.url));
      if (!p.pageInfo.hasNextPage) return { urls, pages, endCursor: p.pageInfo.endCursor };
      after = p.pageInfo.endCursor;
    }
    throw new Error('never ended');
  }

  it.each([1, 7, 20, 57, 100])('returns every exported session exactly once, in order, with first = %i', async (first) => {
    const { urls } = await walk(first);
    expect(urls).toEqual(h.web.exports());
  });

  it('keeps LogRocket cursors as strings (they look numeric and exceed 2^53)', async () => {
    await walk(20);
    const cursors = restRequests(h.web, '/data-export/')
      .map((r) => r.query.get('cursor'))
      .filter((c): c is string => c !== null);
    expect(cursors.length).toBeGreaterThan(0);
    for (const cursor of cursors) expect(cursor).toMatch(/^\d{20}$/);
    for (const r of restRequests(h.web, '/data-export/')) expect(Number(r.query.get('limit'))).toBeLessThanOrEqual(100);
  });

  it('resumes from any edge cursor, mid-page included', async () => {
    const all = h.web.exports();
    const first = await page({ first: 10 });
    const resumed = await page({ first: 10, after: first.edges[4]!.cursor });
    expect(resumed.edges.map((e) => e.node.url)).toEqual(all.slice(5, 15));
    expect(first.pageInfo).toMatchObject({
      hasPreviousPage: false,
      startCursor: first.edges[0]!.cursor,
      endCursor: first.edges[9]!.cursor,
    });
  });

  it('hands out sessions exported while paging exactly once, and resumes at the end once newer ones exist', async () => {
    const before = h.web.exports();
    const start = await page({ first: 25 });
    const added = h.web.insertExports(4);
    const rest: string[] = [];
    let after = start.pageInfo.endCursor;
    let last: Page;
    do {
      last = await page({ first: 25, after });
      rest.push(...last.edges.map((e) => e.node.url));
      after = last.pageInfo.endCursor;
    } while (last.pageInfo.hasNextPage);
    expect([...start.edges.map((e) => e.node.url), ...rest]).toEqual([...before, ...added]);

    const later = h.web.insertExports(3);
    const resumed = await page({ first: 25, after });
    expect(resumed.edges.map((e) => e.node.url)).toEqual(later);
  });

  it('starts at `since`', async () => {
    const future = await page({ since: '2999-01-01T00:00:00Z', first: 10 });
    expect(future.edges).toEqual([]);
    expect(future.pageInfo.hasNextPage).toBe(false);
    expect(restRequests(h.web, '/data-export/')[0]!.query.get('date')).toBe(String(Date.parse('2999-01-01T00:00:00Z')));
    const { urls } = await walk(50, { since: '2000-01-01T00:00:00Z' });
    expect(urls).toEqual(h.web.exports());
  });

  it('refuses altered cursors and cursors of another tenant, source or `since` with INVALID_CURSOR', async () => {
    const first = await page({ first: 3 });
    const cursor = first.pageInfo.endCursor!;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ after: tampered }, undefined],
      [{ after: 'not-a-cursor' }, undefined],
      [{ after: cursor }, REST_KEYS.other],
      [{ after: cursor, since: '2020-01-01T00:00:00Z' }, undefined],
      [{ after: cursor, source: 'lr-mobile' }, REST_KEYS.multi],
    ];
    for (const [variables, key] of cases) {
      const response = await h.gql(PAGE, { first: 3, ...variables }, key);
      expect(response.errors![0]!.extensions!.code).toBe('INVALID_CURSOR');
    }
  });

  it.each([
    [{ first: 101 }, 'BAD_USER_INPUT'],
    [{ first: -1 }, 'BAD_USER_INPUT'],
    [{ source: 'zendesk' }, 'UNSUPPORTED_BY_SOURCE'],
    [{ source: 'lr-mobile' }, 'BAD_USER_INPUT'],
  ])('answers %j with %s and no upstream call', async (variables, code) => {
    const response = await h.gql(PAGE, variables);
    expect(response.errors![0]!.extensions!.code).toBe(code);
    expect(h.web.requests).toHaveLength(0);
  });

  it('names the source when LogRocket fails', async () => {
    h.web.injectFault({ status: 500, pathIncludes: '/data-export/' });
    const response = await h.gql(PAGE, { first: 5 });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'lr-web' });
  });
});

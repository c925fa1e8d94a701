import fc from 'fast-check';
import { CursorCodec } from '../../../src/paging/cursor-codec';
import { SessionExportsService } from '../../../src/services/session-exports.service';
import { fakeClient, fakeSources, scopeOf } from './logrocket-rest-fakes';

const TENANT = { id: 'acme', sourceIds: new Set(['lr-web']) };

/**
 * An export whose pages may come back shorter than asked (by a random amount), whose cursor is a
 * position that may exceed 2^53, and which may grow while it is read.
 */
function fakeExport(initial: number, shortBy: () => number, endCursor: 'same' | 'null') {
  const urls = Array.from({ length: initial }, (_, i) => `https://x/${i}.jsonl`);
  const base = 9_007_199_254_740_993n;
  let calls = 0;
  const client = fakeClient('lr-web', {
    async listDataExport(params: { cursor: string | null; limit: number }) {
      calls += 1;
      const start = params.cursor === null ? 0 : Number(BigInt(params.cursor) - base);
      const size = Math.max(1, params.limit - shortBy());
      const page = urls.slice(start, start + size);
      if (page.length === 0 && endCursor === 'null') return { cursor: null, urls: [] };
      return { cursor: String(base + BigInt(start + page.length)), urls: page };
    },
  });
  return {
    urls,
    service: new SessionExportsService(fakeSources([client]), new CursorCodec('secret-0123456789-0123456789-0123')),
    calls: () => calls,
    grow: (n: number) => {
      for (let i = 0; i < n; i += 1) urls.push(`https://x/${urls.length}.jsonl`);
    },
  };
}

describe('SessionExportsService', () => {
  it('hands out every session exactly once, whatever the page sizes, short pages and growth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 150 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('same' as const, 'null' as const),
        async (initial, firsts, shorts, growth, endCursor) => {
          let s = 0;
          const upstream = fakeExport(initial, () => shorts[s++ % shorts.length]!, endCursor);
          const seen: string[] = [];
          let after: string | null = null;
          for (let i = 0; i < 1_000; i += 1) {
            if (i === 1) upstream.grow(growth);
            const page = await upstream.service.page(scopeOf(TENANT), { first: firsts[i % firsts.length]!, after });
            seen.push(...page.edges.map((e) => e.node.url));
            after = page.pageInfo.endCursor;
            if (!page.pageInfo.hasNextPage) break;
          }
          expect(seen).toEqual(upstream.urls);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('keeps its cursors valid across a cursor-secret rotation, and refuses other kinds of token', async () => {
    const OLD = 'old-secret-0123456789-0123456789-01';
    const NEW = 'new-secret-0123456789-0123456789-01';
    const urls = Array.from({ length: 30 }, (_, i) => `https://x/${i}.jsonl`);
    const client = fakeClient('lr-web', {
      listDataExport: async (params: { cursor: string | null; limit: number }) => {
        const start = params.cursor === null ? 0 : Number(params.cursor);
        const page = urls.slice(start, start + params.limit);
        return { cursor: String(start + page.length), urls: page };
      },
    });
    const before = new SessionExportsService(fakeSources([client]), new CursorCodec(OLD));
    const page = await before.page(scopeOf(TENANT), { first: 10 });
    const after = new SessionExportsService(fakeSources([client]), new CursorCodec({ current: NEW, previous: [OLD] }));
    const next = await after.page(scopeOf(TENANT), { first: 10, after: page.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.url)).toEqual(urls.slice(10, 20));
    // Once the old secret is retired, its cursors are refused.
    const retired = new SessionExportsService(fakeSources([client]), new CursorCodec(NEW));
    await expect(retired.page(scopeOf(TENANT), { first: 10, after: page.pageInfo.endCursor })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    // An audit-events cursor signed with the same secret does not open as an export cursor.
    const auditCursor = new CursorCodec(NEW).encode({ b: 'x', k: null });
    await expect(after.page(scopeOf(TENANT), { first: 10, after: auditCursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('resumes from a mid-page cursor even when LogRocket now answers shorter pages', async () => {
    let short = 0;
    const upstream = fakeExport(40, () => short, 'same');
    const first = await upstream.service.page(scopeOf(TENANT), { first: 20 });
    short = 15;
    // Pages may come back short (the upstream budget runs out), never with a gap or a repeat.
    const seen: string[] = [];
    let after: string | null = first.edges[12]!.cursor;
    while (seen.length < 10) {
      const page = await upstream.service.page(scopeOf(TENANT), { first: 10 - seen.length, after });
      seen.push(...page.edges.map((e) => e.node.url));
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(upstream.urls.slice(13, 23));
  });

  it('spends at most ten upstream requests on one page', async () => {
    const upstream = fakeExport(500, () => 1_000, 'same');
    const page = await upstream.service.page(scopeOf(TENANT), { first: 100 });
    expect(upstream.calls()).toBe(10);
    expect(page.edges).toHaveLength(10);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });
});

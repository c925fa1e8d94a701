import type { AuditEventRecord } from '../../../../src/domain/audit-event';
import type { CacheStore } from '../../../../src/datasources/cache/cache-store';
import { PageCache, type PageScope } from '../../../../src/datasources/cache/page-cache';
import type { UpstreamCall } from '../../../../src/datasources/http-client';
import { RequestCancelled } from '../../../../src/errors';
import type { NativePlan } from '../../../../src/datasources/provider-adapter';
import type { NativePage, NativeQuery } from '../../../../src/paging/anchored-scan';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MINUTE = 60_000;

/** A store that records TTLs and can be made to fail. */
function recordingStore() {
  const data = new Map<string, unknown>();
  const ttls = new Map<string, number>();
  let failing = false;
  const store: CacheStore & { ttls: Map<string, number>; fail(on: boolean): void } = {
    kind: 'memory',
    ttls,
    fail: (on) => (failing = on),
    async get<T>(key: string) {
      return failing ? undefined : (data.get(key) as T | undefined);
    },
    async set(key: string, value: unknown, ttl: number) {
      if (failing) return;
      data.set(key, value);
      ttls.set(key, ttl);
    },
    async delete(key: string) {
      data.delete(key);
    },
    async ping() {
      return !failing;
    },
    async close() {},
  };
  return store;
}

function event(minutesAgo: number): AuditEventRecord {
  const iso = new Date(NOW - minutesAgo * MINUTE).toISOString();
  return {
    sourceId: 's',
    nativeId: String(minutesAgo),
    occurredAt: iso,
    timeKey: `${iso.slice(0, 23)}000000Z`,
    action: 'a',
    description: null,
    actor: { id: null, name: null, email: null, type: 'USER' },
    target: null,
    ipAddress: null,
    userAgent: null,
    request: null,
    raw: {},
  };
}

type Reader = Pick<NativePlan, 'fetchPage' | 'fetchInstant'>;

function countingSource(page: NativePage, delayMs = 0) {
  const calls: NativeQuery[] = [];
  const source: Reader = {
    fetchPage: async (query) => {
      calls.push(query);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return page;
    },
  };
  return { source, calls };
}

const CALL: UpstreamCall = { deadline: Number.POSITIVE_INFINITY };
const scope = (over: Partial<PageScope> = {}): PageScope => ({
  tenantId: 'acme',
  sourceId: 's',
  credentials: 'c1',
  parameters: '[]',
  ...over,
});
const ASC: NativeQuery = { direction: 'ASC', pageSize: 100, anchor: { timeKey: '2026-01-01T00:00:00.000000000Z', exclusive: false } };

describe('PageCache', () => {
  it('keeps a settled page (all events older than the settle window, more pages follow) for the long TTL', async () => {
    const store = recordingStore();
    const cache = new PageCache({ store, now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60), event(30)], continuation: 'next' });
    const cached = cache.decorate(source, scope());
    await cached.fetchPage(ASC, CALL);
    await cached.fetchPage(ASC, CALL);
    await expect(cached.recall(ASC)).resolves.toMatchObject({ continuation: 'next' });
    expect(calls).toHaveLength(1);
    expect([...store.ttls.values()]).toEqual([3_600_000]);
  });

  it('keeps a page with recent events only for seconds, and only to replay a cursor', async () => {
    const store = recordingStore();
    const cache = new PageCache({ store, now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60), event(2)], continuation: 'next' });
    const cached = cache.decorate(source, scope());
    await cached.fetchPage(ASC, CALL);
    await expect(cached.recall(ASC)).resolves.toMatchObject({ continuation: 'next' });
    expect(calls).toHaveLength(1);
    // A late event may still land in a recent instant: a scan that reads afresh must not be served this page.
    await cached.fetchPage(ASC, CALL);
    expect(calls).toHaveLength(2);
    expect([...store.ttls.values()]).toEqual([30_000]);
  });

  it('recalls nothing it does not hold, and never calls the provider to recall', async () => {
    const cache = new PageCache({ store: recordingStore(), now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60)], continuation: 'next' });
    await expect(cache.decorate(source, scope()).recall(ASC)).resolves.toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it('stops recalling a page once its TTL is over, whatever the store still holds', async () => {
    let now = NOW;
    const cache = new PageCache({ store: recordingStore(), now: () => now });
    const { source } = countingSource({ events: [event(60), event(2)], continuation: 'next' });
    const cached = cache.decorate(source, scope());
    await cached.fetchPage(ASC, CALL);
    now += 30_001;
    await expect(cached.recall(ASC)).resolves.toBeUndefined();
  });

  it.each([
    ['the end of a query (no continuation)', { events: [event(60)], continuation: null }, ASC],
    [
      'the newest page of a newest-first query',
      { events: [event(60)], continuation: 'next' },
      { direction: 'DESC', pageSize: 100 } as NativeQuery,
    ],
  ])('reuses an open page — %s — only to replay a cursor', async (_name, page, query) => {
    const store = recordingStore();
    const cache = new PageCache({ store, now: () => NOW });
    const { source, calls } = countingSource(page as NativePage);
    const cached = cache.decorate(source, scope());
    await cached.fetchPage(query, CALL);
    await expect(cached.recall(query)).resolves.toEqual({
      events: (page as NativePage).events,
      continuation: (page as NativePage).continuation,
    });
    expect(calls).toHaveLength(1);
    await cached.fetchPage(query, CALL);
    expect(calls).toHaveLength(2);
    expect([...store.ttls.values()]).toEqual([60_000]);
  });

  it('never serves one tenant a page another tenant fetched, nor a page fetched with other credentials', async () => {
    const store = recordingStore();
    const cache = new PageCache({ store, now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60)], continuation: 'next' });
    await cache.decorate(source, scope({ tenantId: 'acme' })).fetchPage(ASC, CALL);
    await cache.decorate(source, scope({ tenantId: 'beta' })).fetchPage(ASC, CALL);
    await cache.decorate(source, scope({ credentials: 'rotated' })).fetchPage(ASC, CALL);
    expect(calls).toHaveLength(3);
    const keys = [...store.ttls.keys()];
    expect(keys.every((k) => k.includes(':s:'))).toBe(true);
    expect(keys.filter((k) => k.includes(':acme:'))).toHaveLength(2);
    expect(keys.filter((k) => k.includes(':beta:'))).toHaveLength(1);
  });

  it("names the tenant, encoded, as the second part of every key: what the store's per-tenant share goes by", async () => {
    const store = recordingStore();
    const cache = new PageCache({ store, now: () => NOW });
    const { source } = countingSource({ events: [event(60)], continuation: 'next' });
    await cache.decorate(source, scope({ tenantId: 'a:b c' })).fetchPage(ASC, CALL);
    expect(cache.keyFor(scope({ tenantId: 'a:b c' }), ASC).split(':')[1]).toBe('a%3Ab%20c');
    expect([...store.ttls.keys()].map((key) => key.split(':').slice(0, 3))).toEqual([['page', 'a%3Ab%20c', 's']]);
  });

  it('shares one upstream call between identical concurrent requests', async () => {
    const cache = new PageCache({ store: recordingStore(), now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60)], continuation: 'next' }, 30);
    const pages = await Promise.all([1, 2, 3, 4].map(() => cache.decorate(source, scope()).fetchPage(ASC, CALL)));
    expect(calls).toHaveLength(1);
    expect(new Set(pages).size).toBe(1);
    expect(cache.stats.shared).toBe(3);
  });

  describe('a caller that hangs up', () => {
    /** A source whose page arrives when `release` is called; records the signal of each upstream call. */
    function gatedSource() {
      const signals: AbortSignal[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const reader: Reader = {
        fetchPage: async (_query, call) => {
          signals.push(call.signal!);
          await gate;
          if (call.signal?.aborted) throw new RequestCancelled();
          return { events: [event(60)], continuation: 'next' };
        },
      };
      return { reader, signals, release: () => release() };
    }
    const callOf = (controller: AbortController): UpstreamCall => ({ deadline: Number.POSITIVE_INFINITY, signal: controller.signal });

    it('leaves at once, and the shared upstream call goes on for the others', async () => {
      const store = recordingStore();
      const cache = new PageCache({ store, now: () => NOW });
      const { reader, signals, release } = gatedSource();
      const first = new AbortController();
      const second = new AbortController();
      const firstPage = cache.decorate(reader, scope()).fetchPage(ASC, callOf(first));
      const secondPage = cache.decorate(reader, scope()).fetchPage(ASC, callOf(second));
      await new Promise((r) => setImmediate(r));
      first.abort(new Error('client went away'));
      await expect(firstPage).rejects.toBeInstanceOf(RequestCancelled);
      expect(signals).toHaveLength(1);
      expect(signals[0].aborted).toBe(false);
      release();
      await expect(secondPage).resolves.toMatchObject({ continuation: 'next' });
      // The flight stored its page although the caller that started it had gone.
      expect(store.ttls.size).toBe(1);
    });

    it('cancels the upstream call only when every caller has left', async () => {
      const cache = new PageCache({ store: recordingStore(), now: () => NOW });
      const { reader, signals, release } = gatedSource();
      const callers = [new AbortController(), new AbortController()];
      const pages = callers.map((c) => cache.decorate(reader, scope()).fetchPage(ASC, callOf(c)));
      await new Promise((r) => setImmediate(r));
      callers[0].abort();
      expect(signals[0].aborted).toBe(false);
      callers[1].abort();
      expect(signals[0].aborted).toBe(true);
      await Promise.all(pages.map((p) => expect(p).rejects.toBeInstanceOf(RequestCancelled)));
      release();
      // A new request after everybody left starts a new upstream call instead of joining a dead one.
      const again = new AbortController();
      const page = cache.decorate(reader, scope()).fetchPage(ASC, callOf(again));
      await expect(page).resolves.toMatchObject({ continuation: 'next' });
      expect(signals).toHaveLength(2);
    });
  });

  describe('whole-instant reads (Losant reads a tied instant on its own)', () => {
    function instantSource(delayMs = 0) {
      const reads: string[] = [];
      const source: Reader = {
        ...countingSource({ events: [], continuation: null }).source,
        fetchInstant: async (timeKey) => {
          reads.push(timeKey);
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          return [event(60), event(60)].map((e, i) => ({ ...e, nativeId: `${i}`, timeKey }));
        },
      };
      return { source, reads };
    }
    const key = (minutesAgo: number) => event(minutesAgo).timeKey;

    it('shares one read between identical concurrent requests', async () => {
      const cache = new PageCache({ store: recordingStore(), now: () => NOW });
      const { source, reads } = instantSource(30);
      const got = await Promise.all([1, 2, 3].map(() => cache.decorate(source, scope()).fetchInstant!(key(60), {}, CALL)));
      expect(reads).toHaveLength(1);
      expect(got.every((events) => events.length === 2)).toBe(true);
    });

    it('keeps a settled instant for every scan, and a recent one not at all (no cursor replays an instant)', async () => {
      const store = recordingStore();
      const cache = new PageCache({ store, now: () => NOW });
      const { source, reads } = instantSource();
      const cached = cache.decorate(source, scope());
      await cached.fetchInstant!(key(60), {}, CALL);
      await cached.fetchInstant!(key(60), {}, CALL);
      expect(reads).toHaveLength(1);
      await cached.fetchInstant!(key(2), {}, CALL);
      await cached.fetchInstant!(key(2), {}, CALL);
      expect(reads).toHaveLength(3);
      // Other bounds are another read.
      await cached.fetchInstant!(key(60), { upper: key(30) }, CALL);
      expect(reads).toHaveLength(4);
      expect([...store.ttls.values()]).toEqual([3_600_000, 3_600_000]);
    });
  });

  it('fetches from the provider when the store fails', async () => {
    const store = recordingStore();
    store.fail(true);
    const cache = new PageCache({ store, now: () => NOW });
    const { source, calls } = countingSource({ events: [event(60)], continuation: 'next' });
    const page = await cache.decorate(source, scope()).fetchPage(ASC, CALL);
    await cache.decorate(source, scope()).fetchPage(ASC, CALL);
    expect(page.events).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });
});

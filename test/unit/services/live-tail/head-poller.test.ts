import fc from 'fast-check';
import type { AuditEventRecord } from '../../../../src/domain/audit-event';
import { AuditGraphError } from '../../../../src/errors';
import { silentLogger } from '../../../../src/logging/logger';
import { compareKeys, keyOf } from '../../../../src/paging/event-order';
import type { ScanItem, ScanRequest } from '../../../../src/paging/scan.types';
import { timeKeyFromEpochMs } from '../../../../src/paging/time-key';
import { HeadPoller, type HeadNews } from '../../../../src/services/live-tail/head-poller';
import type { HeadReport, PollCoordinator } from '../../../../src/services/live-tail/poll-coordinator';
import { makeEvent } from '../../paging/fake-sources';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

function event(id: string, atMs: number): AuditEventRecord {
  return makeEvent(timeKeyFromEpochMs(atMs), id);
}

/** A log whose scanner honours `lower`/`after` and the budget, `pageSize` events a native request. */
function fakeLog(pageSize = 3) {
  const log: AuditEventRecord[] = [];
  const requests: ScanRequest[] = [];
  let failing: AuditGraphError | null = null;
  const scanner = {
    async *scan(request: ScanRequest): AsyncGenerator<ScanItem, void, undefined> {
      requests.push(request);
      if (failing) throw failing;
      const sorted = [...log].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
      const from = sorted.filter((e) =>
        request.after ? compareKeys(keyOf(e), request.after) > 0 : !request.lower || e.timeKey >= request.lower,
      );
      for (let i = 0; i < from.length; i += pageSize) {
        if (!request.budget.take()) {
          yield { kind: 'budget' };
          return;
        }
        yield { kind: 'events', events: from.slice(i, i + pageSize) };
      }
      yield { kind: 'end' };
    },
  };
  return {
    log,
    requests,
    fail: (error: AuditGraphError | null) => (failing = error),
    scannerFor: () => ({ scanner, filtering: false, pushedDown: null }),
  };
}

function setup(
  options: { pageSize?: number; scanBudget?: number; windowMs?: number; initial?: AuditEventRecord[]; failing?: AuditGraphError } = {},
) {
  let clock = START;
  const upstream = fakeLog(options.pageSize);
  // The first poll starts as the poller is made: the log and its health are set before.
  upstream.log.push(...(options.initial ?? []));
  if (options.failing) upstream.fail(options.failing);
  const news: HeadNews[] = [];
  const poller = new HeadPoller({
    sourceId: 'src',
    scannerFor: upstream.scannerFor,
    matches: (e) => e.action !== 'hidden',
    pollIntervalMs: 60_000,
    reorderWindowMs: options.windowMs ?? 30_000,
    scanBudget: options.scanBudget,
    now: () => clock,
    logger: silentLogger(),
  });
  poller.listen((n) => news.push(n));
  const told = () => news.flatMap((n) => (n.kind === 'events' ? n.events.map((e) => e.nativeId) : []));
  // Polls are driven by hand: the timer's interval is a minute.
  const poll = () => (poller as unknown as { poll(): Promise<void> }).poll();
  return { poller, upstream, news, told, poll, advance: (ms: number) => (clock += ms) };
}

describe('HeadPoller', () => {
  afterEach(() => jest.useRealTimers());

  it('tells nothing of what was there at the start, then each new event once, oldest first', async () => {
    const t = setup({ initial: [event('old-1', START - 5_000), event('old-2', START - 60_000)] });
    await t.poller.ready;
    expect(t.told()).toEqual([]);
    t.upstream.log.push(event('n2', START + 2_000), event('n1', START + 1_000), event('skip', START + 1_500));
    t.upstream.log[4] = { ...t.upstream.log[4]!, action: 'hidden' };
    t.advance(3_000);
    await t.poll();
    await t.poll();
    expect(t.told()).toEqual(['n1', 'n2']);
    t.poller.stop();
  });

  it('still tells an event that shows up after newer ones, within the reorder window, and only once', async () => {
    const t = setup({ windowMs: 30_000 });
    await t.poller.ready;
    t.upstream.log.push(event('a', START + 40_000));
    t.advance(41_000);
    await t.poll();
    t.upstream.log.push(event('late', START + 20_000), event('too-late', START + 5_000));
    await t.poll();
    await t.poll();
    // 'too-late' is 35 s older than the newest event: outside the window, so never read again.
    expect(t.told()).toEqual(['a', 'late']);
    t.poller.stop();
  });

  it("works through a burst larger than one poll's budget, page by page, without repeats or gaps", async () => {
    const t = setup({ pageSize: 2, scanBudget: 2, windowMs: 60_000 });
    await t.poller.ready;
    const burst = Array.from({ length: 11 }, (_, i) => event(`b${String(i).padStart(2, '0')}`, START + 1_000 + i));
    t.upstream.log.push(...burst);
    t.advance(2_000);
    for (let i = 0; i < 5; i += 1) await t.poll();
    expect(t.told()).toEqual(burst.map((e) => e.nativeId));
    // The second poll resumed after the first's last event instead of starting over.
    expect(t.upstream.requests[2]!.after).toMatchObject({ nativeId: 'b03' });
    t.poller.stop();
  });

  it('after working through a burst, reads once more from where it started, for what showed up behind it meanwhile', async () => {
    const t = setup({ pageSize: 1, scanBudget: 1, windowMs: 10_000 });
    await t.poller.ready;
    t.upstream.log.push(event('b1', START + 2), event('b2', START + 1_148));
    t.advance(2_415);
    await t.poll();
    // Shows up while the poller is behind, and older than anything it told: within the window.
    t.upstream.log.push(event('late', START + 1));
    t.advance(7_587);
    t.upstream.log.push(event('b3', START + 10_002));
    for (let i = 0; i < 8; i += 1) await t.poll();
    expect([...t.told()].sort()).toEqual(['b1', 'b2', 'b3', 'late']);
    t.poller.stop();
  });

  it('tells the first failure of a run once, keeps polling, and misses nothing when the source recovers', async () => {
    const t = setup();
    await t.poller.ready;
    t.upstream.fail(new AuditGraphError('UPSTREAM_UNAVAILABLE', 'down', { source: 'src' }));
    await t.poll();
    await t.poll();
    expect(t.news.filter((n) => n.kind === 'error')).toHaveLength(1);
    t.upstream.log.push(event('during', START + 1_000));
    t.upstream.fail(null);
    t.advance(2_000);
    await t.poll();
    expect(t.told()).toEqual(['during']);
    t.poller.stop();
  });

  it('when its very first poll fails, tells the events from its start once the source answers', async () => {
    const t = setup({ failing: new AuditGraphError('UPSTREAM_TIMEOUT', 'slow', { source: 'src' }) });
    await t.poller.ready;
    expect(t.news.filter((n) => n.kind === 'error')).toHaveLength(1);
    t.upstream.log.push(event('before-start', START - 1_000), event('after-start', START + 500));
    t.upstream.fail(null);
    t.advance(1_000);
    await t.poll();
    expect(t.told()).toEqual(['after-start']);
    t.poller.stop();
  });

  it('stops, with no timer left, when its last listener leaves', async () => {
    jest.useFakeTimers({ now: START });
    const upstream = fakeLog();
    const poller = new HeadPoller({
      sourceId: 'src',
      scannerFor: upstream.scannerFor,
      matches: () => true,
      pollIntervalMs: 1_000,
      reorderWindowMs: 1_000,
      now: () => Date.now(),
      logger: silentLogger(),
    });
    const leaveA = poller.listen(() => undefined);
    const leaveB = poller.listen(() => undefined);
    await poller.ready;
    await jest.advanceTimersByTimeAsync(3_000);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(3);
    leaveA();
    leaveB();
    const made = upstream.requests.length;
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(upstream.requests.length).toBe(made);
  });
});

describe('HeadPoller across instances', () => {
  /** A coordinator whose lease the test hands out, with reports carried between pollers by hand. */
  function fakeCoordinator() {
    const reports: Omit<HeadReport, 'from'>[] = [];
    const followers: ((report: HeadReport) => void)[] = [];
    let holder: 'a' | 'b' = 'a';
    const forInstance = (me: 'a' | 'b'): PollCoordinator => ({
      acquire: async () => holder === me,
      publish: (_key, report) => {
        reports.push(report);
        for (const follower of followers) follower({ ...report, from: me });
      },
      follow: (_key, onReport) => {
        const own = (report: HeadReport) => report.from !== me && onReport(report);
        followers.push(own);
        return () => followers.splice(followers.indexOf(own), 1);
      },
      release: () => undefined,
      close: async () => undefined,
    });
    return { forInstance, reports, handOver: (to: 'a' | 'b') => (holder = to) };
  }

  it('a follower tells what the polling instance reports, and taking over tells only what came after, once', async () => {
    let clock = START;
    const upstream = fakeLog();
    upstream.log.push(event('before', START - 1_000));
    const coordination = fakeCoordinator();
    const make = (me: 'a' | 'b') => {
      const told: string[] = [];
      const poller = new HeadPoller({
        sourceId: 'src',
        scannerFor: upstream.scannerFor,
        matches: () => true,
        pollIntervalMs: 60_000,
        reorderWindowMs: 30_000,
        now: () => clock,
        logger: silentLogger(),
        coordination: { coordinator: coordination.forInstance(me), key: 'k' },
      });
      poller.listen((n) => n.kind === 'events' && told.push(...n.events.map((e) => e.nativeId)));
      return { poller, told, poll: () => (poller as unknown as { poll(): Promise<void> }).poll() };
    };
    const a = make('a');
    const b = make('b');
    await Promise.all([a.poller.ready, b.poller.ready]);
    const readsBefore = upstream.requests.length;

    upstream.log.push(event('one', START + 1_000));
    clock += 2_000;
    await a.poll();
    await b.poll();
    expect(a.told).toEqual(['one']);
    expect(b.told).toEqual(['one']);
    // Only the lease holder read the log.
    expect(upstream.requests.length).toBe(readsBefore + 1);

    upstream.log.push(event('two', START + 3_000));
    clock += 2_000;
    coordination.handOver('b');
    await b.poll();
    await a.poll();
    expect(b.told).toEqual(['one', 'two']);
    expect(a.told).toEqual(['one', 'two']);
    a.poller.stop();
    b.poller.stop();
  });
});

describe('HeadPoller: exactly once, as a property', () => {
  const insertArb = fc.record({ lateness: fc.integer({ min: 0, max: 9_000 }), tie: fc.boolean() });
  const stepsArb = (insert: fc.Arbitrary<{ lateness: number; tie: boolean }>) =>
    fc.array(
      fc.record({ inserts: fc.array(insert, { maxLength: 6 }), advanceMs: fc.integer({ min: 0, max: 3_000 }), poll: fc.boolean() }),
      { minLength: 1, maxLength: 12 },
    );

  /** Runs the steps against a poller, then polls until any backlog is worked through; returns what was inserted and told. */
  async function run(
    pageSize: number,
    scanBudget: number,
    steps: { inserts: { lateness: number; tie: boolean }[]; advanceMs: number; poll: boolean }[],
  ) {
    const t = setup({ pageSize, scanBudget, windowMs: 10_000 });
    await t.poller.ready;
    let clock = START;
    let n = 0;
    let lastAt = START;
    const inserted: string[] = [];
    for (const step of steps) {
      for (const insert of step.inserts) {
        // At most 9 s older than the clock, which is never behind the newest event: within the 10 s window.
        const at = insert.tie ? lastAt : Math.max(START + 1, clock - insert.lateness);
        const id = `e${String(n++).padStart(3, '0')}`;
        t.upstream.log.push(event(id, at));
        inserted.push(id);
        lastAt = Math.max(lastAt, at);
      }
      clock += step.advanceMs;
      t.advance(step.advanceMs);
      if (step.poll) await t.poll();
    }
    for (let i = 0; i < 2 * inserted.length + 4; i += 1) await t.poll();
    t.poller.stop();
    return { inserted, told: t.told() };
  }

  it('tells every event that shows up within the reorder window exactly once, whatever the page size and poll timing, while a window fits one poll', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), stepsArb(insertArb), async (pageSize, steps) => {
        const total = steps.reduce((sum, step) => sum + step.inserts.length, 0);
        // The guarantee's regime: one poll's budget reads every event there is.
        const { inserted, told } = await run(pageSize, Math.ceil(total / pageSize) + 1, steps);
        expect(new Set(told).size).toBe(told.length);
        expect([...told].sort()).toEqual([...inserted].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('works through any burst page by page, exactly once, however small the budget, when nothing shows up late', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        stepsArb(fc.record({ lateness: fc.constant(0), tie: fc.boolean() })),
        async (pageSize, scanBudget, steps) => {
          const { inserted, told } = await run(pageSize, scanBudget, steps);
          expect(told).toEqual(inserted);
        },
      ),
      { numRuns: 200 },
    );
  });
});

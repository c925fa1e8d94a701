import type { AuditEventRecord } from '../domain/audit-event';
import type { AnchoredSource } from './anchored-scan';
import { scanBounds } from './anchored-scan';
import type { SourceHint } from './cursor-codec';
import type { ScanItem, ScanRequest } from './scan.types';
import { epochMsCeilOfTimeKey, epochMsOfTimeKey, timeKeyFromEpochMs } from './time-key';

/** Tuning of the emulated newest-first scan. */
export interface WindowedReverseScanOptions {
  /** Width of the first window when no cursor says better; default one hour. */
  readonly initialWindowMs?: number;
  /** Widest window; default 366 days. */
  readonly maxWindowMs?: number;
  /** Clock (epoch ms). */
  readonly now: () => number;
}

const HOUR_MS = 3_600_000;
const MIN_WINDOW_MS = 1_000;

/**
 * Emulates a newest-first scan over an ascending-only, forward-only source (LogRocket): reads a
 * time window `[start, end)` ascending, hands it out newest first, then moves the window back.
 * Window width adapts to event density and travels in the cursor (`w`), and the oldest event's
 * time (`lo`, probed once, only when a window comes up short) tells where the log begins, so
 * upstream cost stays near `events read / page size` plus a few probes.
 */
export async function* windowedReverseScan(
  source: AnchoredSource,
  request: ScanRequest,
  options: WindowedReverseScanOptions,
): AsyncGenerator<ScanItem, void, undefined> {
  const { lower, upper, budget, after } = request;
  const { order, isUnconsumed, inRange } = scanBounds(request);
  const maxWindow = options.maxWindowMs ?? 366 * 24 * HOUR_MS;
  let width = Math.min(Math.max(request.hint?.w ?? options.initialWindowMs ?? HOUR_MS, MIN_WINDOW_MS), maxWindow);
  let oldest = request.hint?.lo;
  const hint = (startMs: number): SourceHint => ({ w: width, ...(oldest ? { lo: oldest } : {}), t: { d: 'D', s: startMs } });
  // A cursor's window start, when it lies before the position, re-reads the same window.
  const token = request.hint?.t;
  let carriedStart =
    token?.d === 'D' && token.s !== undefined && after !== undefined && token.s <= epochMsOfTimeKey(after.timeKey) ? token.s : undefined;

  // The window's end: events strictly before `endKey` (or at it when `endInclusive`).
  let endKey: string | undefined = after?.timeKey ?? upper;
  let endInclusive = after !== undefined;
  const pageSize = source.pageSize(Number.MAX_SAFE_INTEGER, true);
  // Aim each window at ~80% of a native page: a window then usually costs one full request.
  const target = Math.max(1, Math.floor(pageSize * 0.8));
  // As in anchoredScan: the budget never stops a scan before it hands out something new.
  let progressed = false;
  const spent = () => !budget.take() && progressed;

  for (;;) {
    const endMs = endKey === undefined ? options.now() : epochMsCeilOfTimeKey(endKey);
    const floorMs = Math.max(
      lower === undefined ? -Infinity : epochMsOfTimeKey(lower),
      oldest === undefined ? -Infinity : epochMsOfTimeKey(oldest),
    );
    // The window a cursor names is read again as it was, where the source can recall its pages.
    const replaying = carriedStart !== undefined;
    let startMs = carriedStart ?? endMs - width;
    carriedStart = undefined;
    const last = startMs <= floorMs;
    if (last) startMs = floorMs;
    const startKey = timeKeyFromEpochMs(startMs);
    const beforeEnd = (e: AuditEventRecord) => endKey === undefined || (endInclusive ? e.timeKey <= endKey : e.timeKey < endKey);

    const window: AuditEventRecord[] = [];
    let continuation: string | undefined;
    let reachedEnd = false;
    do {
      const query = { direction: 'ASC' as const, anchor: { timeKey: startKey, exclusive: false }, lower, upper, continuation, pageSize };
      const recalled = replaying ? await source.recall?.(query) : undefined;
      if (recalled === undefined && spent()) {
        yield { kind: 'budget' };
        return;
      }
      const page = recalled ?? (await source.fetchPage(query));
      for (const event of page.events) {
        if (!beforeEnd(event)) {
          reachedEnd = true;
          break;
        }
        if (event.timeKey >= startKey) window.push(event);
      }
      continuation = page.continuation ?? undefined;
    } while (!reachedEnd && continuation !== undefined);

    const events = (source.completeInstants?.(window) ?? window).filter((e) => isUnconsumed(e) && inRange(e)).sort(order);
    if (events.length > 0) progressed = true;
    yield { kind: 'events', events, hint: hint(startMs) };
    if (last) break;

    if (oldest === undefined && events.length < target) {
      // Learn where the log begins, once, so that a sparse past does not cost a probe per window.
      if (spent()) {
        yield { kind: 'budget' };
        return;
      }
      const probe = await source.fetchPage({ direction: 'ASC', anchor: { timeKey: timeKeyFromEpochMs(0), exclusive: false }, pageSize: 1 });
      oldest = probe.events[0]?.timeKey;
      if (oldest === undefined || oldest >= startKey) break;
    }
    // Aim the next window at what is still wanted, from the density just seen.
    const found = Math.max(events.length, 1);
    const factor = Math.min(8, Math.max(0.25, target / found));
    width = Math.min(maxWindow, Math.max(MIN_WINDOW_MS, Math.round(width * (events.length < target ? Math.max(2, factor) : factor))));
    endKey = startKey;
    endInclusive = false;
  }
  yield { kind: 'end' };
}

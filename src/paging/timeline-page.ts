import type { AuditEventRecord, EventOrder } from '../domain/audit-event';
import { AuditGraphError } from '../errors';
import type { PageRequest } from './connection-args';
import type { CursorCodec, CursorKey, CursorPayload, SourceHint } from './cursor-codec';
import { compareInDirection, keyOf, type EventKey, type ScanDirection } from './event-order';
import type { ScanItem, SourceScanner } from './scan.types';
import { createScanBudget } from './scan.types';

/** One edge of a built page. */
export interface BuiltEdge {
  readonly cursor: string;
  readonly node: AuditEventRecord;
}

/** A Relay page, edges in the requested order, plus the sources that failed under PARTIAL. */
export interface BuiltPage {
  readonly edges: readonly BuiltEdge[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
  /** Typed errors of sources left out of this page (only with the PARTIAL policy). */
  readonly sourceErrors: readonly AuditGraphError[];
}

/** One source taking part in a timeline. */
export interface TimelineSource {
  readonly sourceId: string;
  readonly scanner: SourceScanner;
  /** True when `matches` can reject events the provider returned (filters not pushed down). */
  readonly filtering: boolean;
}

/** Everything needed to build one page of a timeline over one or more sources. */
export interface TimelinePageInput {
  readonly sources: readonly TimelineSource[];
  readonly order: EventOrder;
  readonly request: PageRequest;
  readonly codec: CursorCodec;
  readonly binding: string;
  /** Inclusive lower / exclusive upper time keys of the filter. */
  readonly lower?: string;
  readonly upper?: string;
  /** The full filter as a predicate; applied to every event whatever the provider did. */
  readonly matches: (event: AuditEventRecord) => boolean;
  readonly onSourceError: 'FAIL' | 'PARTIAL';
  /** Native requests one page may spend per source before answering short. */
  readonly budgetPerSource: number;
  /** False: an edge's cursor is signed when first read; default true: every edge's up front. */
  readonly signEveryEdge?: boolean;
}

/** Scan direction for an order and a paging direction. */
export function scanDirectionFor(order: EventOrder, direction: PageRequest['direction']): ScanDirection {
  return (order === 'OLDEST_FIRST') === (direction === 'forward') ? 'ASC' : 'DESC';
}

const toCursorKey = (key: EventKey): CursorKey => [key.timeKey, key.sourceId, key.nativeId];
const fromCursorKey = (key: CursorKey): EventKey => ({ timeKey: key[0], sourceId: key[1], nativeId: key[2] });

/** One source's head in a page's k-way merge: its position, its next matching event, its latest hint. */
class MergeHead {
  /** Everything of this source at or before it (in scan direction) has been consumed. */
  position: EventKey | undefined;
  head: { event: AuditEventRecord; hint: SourceHint | undefined } | undefined;
  hint: SourceHint | undefined;
  /** Position of the last event read, matching or not: where a short page resumes this source. */
  scanned: EventKey | undefined;
  state: 'open' | 'ended' | 'budget' | 'failed' = 'open';
  error: AuditGraphError | undefined;
  /** How many edges the page had taken when this source failed: later edges keep its position frozen. */
  failedAfter = Number.POSITIVE_INFINITY;
  private readonly buffer: { event: AuditEventRecord; hint: SourceHint | undefined }[] = [];
  private readonly scan: AsyncGenerator<ScanItem, void, undefined>;

  constructor(
    readonly source: TimelineSource,
    start: { position: EventKey | undefined; hint: SourceHint | undefined },
    direction: ScanDirection,
    input: TimelinePageInput,
    private readonly matches: (event: AuditEventRecord) => boolean,
  ) {
    this.position = start.position;
    this.scanned = start.position;
    this.hint = start.hint;
    this.scan = source.scanner.scan({
      direction,
      after: start.position,
      lower: input.lower,
      upper: input.upper,
      want: input.request.size + 1,
      filtering: source.filtering,
      hint: start.hint,
      budget: createScanBudget(input.budgetPerSource),
    });
  }

  /** Loads the next matching event into `head`, or settles the state. */
  async advance(): Promise<void> {
    this.head = undefined;
    while (this.state === 'open') {
      const next = this.buffer.shift();
      if (next) {
        this.scanned = keyOf(next.event);
        this.hint = { ...this.hint, ...next.hint };
        if (this.matches(next.event)) {
          this.head = next;
          return;
        }
        continue;
      }
      const item = await this.scan.next();
      if (item.done || item.value.kind === 'end') this.state = 'ended';
      else if (item.value.kind === 'budget') this.state = 'budget';
      else for (const event of item.value.events) this.buffer.push({ event, hint: item.value.hint });
    }
  }

  fail(error: AuditGraphError, taken: number): void {
    this.state = 'failed';
    this.error = error;
    this.head = undefined;
    this.failedAfter = taken;
  }

  async close(): Promise<void> {
    await this.scan.return(undefined).catch(() => undefined);
  }
}

function asSourceError(sourceId: string, error: unknown): AuditGraphError | undefined {
  if (!(error instanceof AuditGraphError)) return undefined;
  if (error.sourceId !== undefined) return error;
  return new AuditGraphError(error.code, error.message, { source: sourceId, cause: error.internalCause });
}

/**
 * Builds one Relay page of a timeline: a k-way merge of the sources' scans in the timeline
 * order, `size` edges plus one to learn whether more exist. Each source resumes from its own
 * position and native token; a source that fails is named (FAIL) or left out with its position
 * kept (PARTIAL); when a source's scan budget runs out the page ends short with a cursor that
 * resumes every source exactly where it stopped.
 */
export async function buildTimelinePage(input: TimelinePageInput): Promise<BuiltPage> {
  const { request, codec, binding } = input;
  let payload: CursorPayload | undefined;
  if (request.cursor !== null) payload = codec.decode(request.cursor, binding);
  const known = new Set(input.sources.map((s) => s.sourceId));
  if (payload?.k && !known.has(payload.k[1])) {
    throw new AuditGraphError('INVALID_CURSOR', 'The cursor names a source this query does not read; use a cursor returned by this query.');
  }
  const direction = scanDirectionFor(input.order, request.direction);
  const globalStart = payload?.k ? fromCursorKey(payload.k) : undefined;

  const cursors = input.sources.map((source) => {
    const hint = payload?.s?.[source.sourceId];
    const own = hint?.k === undefined ? globalStart : hint.k === null ? undefined : fromCursorKey(hint.k);
    const { k: _k, ...rest } = hint ?? {};
    return new MergeHead(source, { position: own, hint: Object.keys(rest).length > 0 ? rest : undefined }, direction, input, input.matches);
  });
  const startPositions = new Map(cursors.map((c) => [c.source.sourceId, c.position]));

  // Hints are snapshotted per edge: a source's token is only valid up to its head at that moment.
  const taken: { node: AuditEventRecord; from: MergeHead; hints: Map<string, SourceHint | undefined> }[] = [];
  const advance = async (cursor: MergeHead) => {
    try {
      await cursor.advance();
    } catch (error) {
      const typed = asSourceError(cursor.source.sourceId, error);
      if (!typed || input.onSourceError === 'FAIL') throw typed ?? error;
      // Its position stays where the page had taken it: what it already gave is not given again.
      cursor.fail(typed, taken.length);
    }
  };

  const later = (a: EventKey | undefined, b: EventKey): EventKey => (a === undefined || compareInDirection(direction, a, b) < 0 ? b : a);
  let stoppedShort = false;
  try {
    await Promise.all(cursors.map(advance));
    while (taken.length <= request.size) {
      if (cursors.some((c) => c.state === 'budget' && !c.head)) {
        stoppedShort = true;
        break;
      }
      let next: MergeHead | undefined;
      for (const c of cursors) {
        if (c.head && (!next || compareInDirection(direction, keyOf(c.head.event), keyOf(next.head!.event)) < 0)) next = c;
      }
      if (!next) break;
      const { event, hint } = next.head!;
      const chosen = next;
      taken.push({ node: event, from: next, hints: new Map(cursors.map((c) => [c.source.sourceId, c === chosen ? hint : c.hint])) });
      if (taken.length > request.size) break;
      const key = keyOf(event);
      for (const c of cursors) if (c.state !== 'failed') c.position = later(c.position, key);
      await advance(next);
    }
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }

  /** Encodes a cursor at `key` with per-source overrides and, when `full`, every source's hints. */
  const cursorAt = (
    key: EventKey | undefined,
    positions: Map<string, EventKey | undefined>,
    hints: Map<string, SourceHint | undefined>,
  ): string => {
    const s: Record<string, SourceHint> = {};
    for (const c of cursors) {
      const id = c.source.sourceId;
      const position = positions.get(id);
      const samePosition =
        position === key || (position !== undefined && key !== undefined && compareInDirection(direction, position, key) === 0);
      const hint: SourceHint = { ...hints.get(id), ...(samePosition ? {} : { k: position ? toCursorKey(position) : null }) };
      if (Object.keys(hint).length > 0) s[id] = hint;
    }
    return codec.encode({ b: binding, k: key ? toCursorKey(key) : null, ...(Object.keys(s).length > 0 ? { s } : {}) });
  };

  const kept = taken.slice(0, request.size);
  const edgeCursor = (node: AuditEventRecord, from: MergeHead, snapshot: Map<string, SourceHint | undefined>, index: number): string => {
    const key = keyOf(node);
    const positions = new Map<string, EventKey | undefined>();
    const hints = new Map<string, SourceHint | undefined>();
    const edgeOfPage = index === 0 || index === kept.length - 1;
    for (const c of cursors) {
      const id = c.source.sourceId;
      const start = startPositions.get(id);
      positions.set(id, index >= c.failedAfter ? c.position : later(start, key));
      // Middle edges carry only their own source's hint; the page's first and last carry all.
      if (c === from || (edgeOfPage && c.state !== 'failed')) hints.set(id, snapshot.get(id));
    }
    return cursorAt(key, positions, hints);
  };
  // Lazily, a cursor is signed when first read (its inputs are final by now), so a client that
  // reads only pageInfo pays no HMAC per edge; signing them all in one loop is faster when all are read.
  const edges: BuiltEdge[] =
    input.signEveryEdge === false
      ? kept.map(({ node, from, hints: snapshot }, index) => {
          let cursor: string | undefined;
          return {
            node,
            get cursor(): string {
              return (cursor ??= edgeCursor(node, from, snapshot, index));
            },
          };
        })
      : kept.map(({ node, from, hints: snapshot }, index) => ({ node, cursor: edgeCursor(node, from, snapshot, index) }));

  const failed = cursors.filter((c) => c.state === 'failed');
  const more = taken.length > request.size || stoppedShort || failed.length > 0;
  let resume: string | null = edges.length > 0 ? edges[edges.length - 1].cursor : null;
  if (stoppedShort || (edges.length === 0 && failed.length > 0)) {
    const last = kept.length > 0 ? keyOf(kept[kept.length - 1].node) : globalStart;
    const positions = new Map<string, EventKey | undefined>();
    const hints = new Map<string, SourceHint | undefined>();
    for (const c of cursors) {
      const id = c.source.sourceId;
      const start = startPositions.get(id);
      let position = c.state === 'failed' ? c.position : start;
      if (c.state !== 'failed') {
        if (last) position = later(position, last);
        // A source with no head read only non-matching events past `last`: skip them next time.
        if (!c.head && c.scanned) position = later(position, c.scanned);
      }
      positions.set(id, position);
      if (c.state !== 'failed') hints.set(id, c.hint);
    }
    resume = cursorAt(last, positions, hints);
  }
  const sourceErrors = failed.map((c) => c.error!);
  if (request.direction === 'forward') {
    return {
      edges,
      pageInfo: { hasNextPage: more, hasPreviousPage: request.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: resume },
      sourceErrors,
    };
  }
  const reversed = [...edges].reverse();
  return {
    edges: reversed,
    pageInfo: {
      hasNextPage: request.cursor !== null,
      hasPreviousPage: more,
      startCursor: resume,
      endCursor: reversed[reversed.length - 1]?.cursor ?? null,
    },
    sourceErrors,
  };
}

import type { AuditEventRecord, EventOrder } from '../domain/audit-event';
import { AuditGraphError } from '../errors';
import type { PageRequest } from './connection-args';
import type { CursorCodec, CursorPayload, SourceHint } from './cursor-codec';
import type { ScanDirection } from './event-order';
import type { ScanBudget, SourceScanner } from './scan.types';

/** One edge of a built page. */
export interface BuiltEdge {
  readonly cursor: string;
  readonly node: AuditEventRecord;
}

/** A Relay page, edges in the requested order. */
export interface BuiltPage {
  readonly edges: readonly BuiltEdge[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** Everything needed to page one source. */
export interface SingleSourcePageInput {
  readonly sourceId: string;
  readonly scanner: SourceScanner;
  readonly order: EventOrder;
  readonly request: PageRequest;
  readonly codec: CursorCodec;
  readonly binding: string;
  /** Inclusive lower / exclusive upper time keys of the filter. */
  readonly lower?: string;
  readonly upper?: string;
  /** The full filter as a predicate; applied to every event whatever the provider did. */
  readonly matches: (event: AuditEventRecord) => boolean;
  /** True when `matches` can reject events the provider returned (filters not pushed down). */
  readonly filtering: boolean;
  readonly budget: ScanBudget;
}

/** Scan direction for an order and a paging direction. */
export function scanDirectionFor(order: EventOrder, direction: PageRequest['direction']): ScanDirection {
  return (order === 'OLDEST_FIRST') === (direction === 'forward') ? 'ASC' : 'DESC';
}

/**
 * Builds one Relay page from one source: skips what the cursor consumed, keeps `size` matching
 * events plus one to learn whether more exist, and, when the scan budget runs out first, returns
 * the short page with a cursor that resumes exactly where the scan stopped.
 */
export async function buildSingleSourcePage(input: SingleSourcePageInput): Promise<BuiltPage> {
  const { request, codec, binding, sourceId } = input;
  let position: CursorPayload['k'] = null;
  let hint: SourceHint | undefined;
  if (request.cursor !== null) {
    const payload = codec.decode(request.cursor, binding);
    if (payload.k !== null && payload.k[1] !== sourceId) {
      throw new AuditGraphError('INVALID_CURSOR', 'The cursor was made for another source; use a cursor returned by this query.');
    }
    position = payload.k;
    hint = payload.s?.[sourceId];
  }
  const direction = scanDirectionFor(input.order, request.direction);
  const cursorAt = (event: AuditEventRecord, eventHint: SourceHint | undefined): string =>
    codec.encode({
      b: binding,
      k: [event.timeKey, sourceId, event.nativeId],
      ...(eventHint && Object.keys(eventHint).length > 0 ? { s: { [sourceId]: eventHint } } : {}),
    });

  const taken: { node: AuditEventRecord; hint?: SourceHint }[] = [];
  let lastConsumed: { node: AuditEventRecord; hint?: SourceHint } | undefined;
  let budgetSpent = false;
  const wanted = request.size + 1;
  const scan = input.scanner.scan({
    direction,
    after: position ? { timeKey: position[0], nativeId: position[2] } : undefined,
    lower: input.lower,
    upper: input.upper,
    want: wanted,
    filtering: input.filtering,
    hint,
    budget: input.budget,
  });
  try {
    outer: for await (const item of scan) {
      if (item.kind === 'budget') {
        budgetSpent = true;
        break;
      }
      if (item.kind === 'end') break;
      for (const node of item.events) {
        if (input.matches(node)) {
          taken.push({ node, hint: item.hint });
          if (taken.length >= wanted) break outer;
        }
        if (taken.length <= request.size) lastConsumed = { node, hint: item.hint };
      }
    }
  } finally {
    await scan.return(undefined);
  }

  const more = taken.length > request.size || budgetSpent;
  const kept = taken.slice(0, request.size);
  const edges = kept.map(({ node, hint: h }) => ({ node, cursor: cursorAt(node, h) }));
  // Where a short page stopped: after everything scanned, matching or not.
  let resumeCursor: string | null = edges.length > 0 ? edges[edges.length - 1].cursor : null;
  if (budgetSpent) {
    resumeCursor = lastConsumed
      ? cursorAt(lastConsumed.node, lastConsumed.hint)
      : (request.cursor ?? codec.encode({ b: binding, k: null, ...(hint ? { s: { [sourceId]: hint } } : {}) }));
  }
  if (request.direction === 'forward') {
    return {
      edges,
      pageInfo: {
        hasNextPage: more,
        hasPreviousPage: request.cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: resumeCursor,
      },
    };
  }
  const reversed = [...edges].reverse();
  return {
    edges: reversed,
    pageInfo: {
      hasNextPage: request.cursor !== null,
      hasPreviousPage: more,
      startCursor: resumeCursor,
      endCursor: reversed[reversed.length - 1]?.cursor ?? null,
    },
  };
}

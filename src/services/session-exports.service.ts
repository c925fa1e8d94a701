import { createHash } from 'node:crypto';
import { DATA_EXPORT_MAX_LIMIT } from '../datasources/logrocket/logrocket-rest.client';
import { AuditGraphError, badUserInput } from '../errors';
import type { CursorCodec } from '../paging/cursor-codec';
import type { ParsedTimestamp } from '../paging/time-key';
import type { LogRocketRestSources } from './logrocket-rest-sources';
import type { RequestScope } from './request-scope';

/** Page size of `sessionExports` when `first` is omitted. */
export const SESSION_EXPORTS_DEFAULT_FIRST = 20;
/** Largest `first` of `sessionExports`. */
export const SESSION_EXPORTS_MAX_FIRST = 100;
/** Upstream pages one `sessionExports` page may read before it comes back short. */
export const SESSION_EXPORTS_SCAN_BUDGET = 10;

/** Arguments of `sessionExports`. */
export interface SessionExportsQuery {
  readonly source?: string | null;
  readonly since?: ParsedTimestamp | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** One exported session. */
export interface SessionExportNode {
  readonly url: string;
}

/** A page of exported sessions, in the shape of `SessionExportConnection`. */
export interface SessionExportPage {
  readonly edges: { readonly cursor: string; readonly node: SessionExportNode }[];
  readonly pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * A position in LogRocket's export: the upstream cursor a page was read from (null: the start,
 * at `since`) and how many of that page's sessions were already handed out.
 */
interface ExportPosition {
  readonly u: string | null;
  readonly k: number;
}

interface ExportCursorPayload extends ExportPosition {
  /** Binding digest: tenant, source and `since`. */
  readonly b: string;
}

// Domain-separated from the audit cursors signed with the same secrets.
const CURSOR_DOMAIN = 'auditgraph/session-export-cursor/v2';

function invalidCursor(reason: string): AuditGraphError {
  return new AuditGraphError(
    'INVALID_CURSOR',
    `The cursor is not valid for this query (${reason}). Use a cursor returned by \`sessionExports\` with the same source and \`since\`, or start again without one.`,
  );
}

/**
 * `sessionExports`: a forward Relay connection over LogRocket's data export. Every edge cursor is
 * the gateway's own (signed, bound to tenant, source and `since`) and names an upstream cursor —
 * kept as a string, whatever it looks like — plus an offset into the page it starts, so paging
 * to the end hands out every exported session exactly once, whatever `first` is.
 */
export class SessionExportsService {
  constructor(
    private readonly sources: LogRocketRestSources,
    /** Signs the cursors with the gateway's cursor secrets, so they survive a rotation. */
    private readonly codec: CursorCodec,
  ) {}

  private encode(binding: string, position: ExportPosition): string {
    const payload: ExportCursorPayload = { b: binding, u: position.u, k: position.k };
    return this.codec.seal(CURSOR_DOMAIN, payload);
  }

  private decode(cursor: string, binding: string): ExportPosition {
    if (cursor.length === 0 || cursor.length > 4096) throw invalidCursor('wrong length');
    const p = this.codec.open(CURSOR_DOMAIN, cursor) as Partial<ExportCursorPayload> | null;
    if (p === null) throw invalidCursor('malformed, altered or signed with a retired key');
    if (
      typeof p !== 'object' ||
      typeof p.b !== 'string' ||
      !(p.u === null || typeof p.u === 'string') ||
      !Number.isSafeInteger(p.k) ||
      p.k! < 0
    ) {
      throw invalidCursor('malformed');
    }
    if (p.b !== binding) throw invalidCursor('made for a different tenant, source or `since`');
    return { u: p.u, k: p.k! };
  }

  async page(scope: RequestScope, args: SessionExportsQuery): Promise<SessionExportPage> {
    const first = args.first ?? SESSION_EXPORTS_DEFAULT_FIRST;
    if (!Number.isInteger(first) || first < 0 || first > SESSION_EXPORTS_MAX_FIRST) {
      throw badUserInput(`\`first\` must be from 0 to ${SESSION_EXPORTS_MAX_FIRST}.`, 'first');
    }
    const client = this.sources.resolve(scope, args.source);
    const sinceMs = args.since?.epochMs;
    const binding = createHash('sha256')
      .update(JSON.stringify([scope.tenant.id, client.sourceId, sinceMs ?? null]))
      .digest('base64url')
      .slice(0, 16);
    let position: ExportPosition = args.after ? this.decode(args.after, binding) : { u: null, k: 0 };

    const edges: SessionExportPage['edges'] = [];
    let ended = false;
    for (let budget = SESSION_EXPORTS_SCAN_BUDGET; edges.length < first && budget > 0; budget -= 1) {
      const want = first - edges.length;
      const limit = Math.min(DATA_EXPORT_MAX_LIMIT, position.k + want);
      if (limit <= position.k) {
        // A whole maximal page was handed out and LogRocket named no next cursor: the end.
        ended = true;
        break;
      }
      const page = await client.listDataExport({ cursor: position.u, sinceMs, limit }, scope.call);
      if (page.urls.length <= position.k) {
        // A shorter page than the one the position was made on: continue from its cursor, minus
        // what was already handed out beyond it. An empty page is the end.
        if (page.urls.length > 0 && page.cursor !== null && page.cursor !== position.u) {
          position = { u: page.cursor, k: position.k - page.urls.length };
          continue;
        }
        ended = true;
        break;
      }
      const taken = page.urls.slice(position.k, position.k + want);
      const from = position;
      taken.forEach((url, i) => {
        const consumed = from.k + i + 1;
        const after: ExportPosition =
          consumed === page.urls.length && page.cursor !== null && page.cursor !== from.u
            ? { u: page.cursor, k: 0 }
            : { u: from.u, k: consumed };
        edges.push({ cursor: this.encode(binding, after), node: { url } });
        position = after;
      });
      if (position.k === page.urls.length && position.u === from.u) {
        // The whole page is out but LogRocket gave no way further: that is the end.
        ended = true;
        break;
      }
    }
    const lastEdge = edges[edges.length - 1];
    return {
      edges,
      pageInfo: {
        hasNextPage: !ended,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        // On an empty page: where to resume once LogRocket has exported newer sessions.
        endCursor: lastEdge?.cursor ?? this.encode(binding, position),
      },
    };
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger';
import { BodyCut, BodyTooLarge, readBody } from './read-body';
import type { HighlightsService } from '../services/highlights/highlights.service';
import type { HighlightsPushOutcome } from '../services/highlights/highlights.types';

/** `POST /webhooks/logrocket/highlights/{sourceId}/{token}`. */
export const HIGHLIGHTS_WEBHOOK_PATH = /^\/webhooks\/logrocket\/highlights\/([^/]+)\/([^/]+)\/?$/;

/** Largest pushed body accepted: ten sessions of Markdown fit many times over. */
export const HIGHLIGHTS_WEBHOOK_MAX_BODY_BYTES = 512 * 1024;

/** How often a refused call of one kind is logged: the first per window, then a count. */
export const HIGHLIGHTS_WEBHOOK_LOG_WINDOW_MS = 60_000;

/** Options of {@link createHighlightsWebhookHandler}. */
export interface HighlightsWebhookOptions {
  readonly highlights: HighlightsService;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** Clock of the log sampling; default Date.now. */
  readonly now?: () => number;
}

/** Handles one request; resolves false when the path is not the webhook's. */
export type HighlightsWebhookHandler = (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => Promise<boolean>;

type Refusal = 'wrong-token' | Exclude<HighlightsPushOutcome, 'accepted'>;

/**
 * Logs refused calls sampled, so that a flood of forged ones costs one line a minute: the first
 * refusal of a kind in a window is logged, with how many of that kind went unlogged since the
 * previous line.
 */
class RefusalLog {
  private readonly windows = new Map<Refusal, { startedAt: number; unlogged: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  note(reason: Refusal, fields: Record<string, unknown>): void {
    const at = this.now();
    const window = this.windows.get(reason);
    // A clock that went back opens a new window rather than muting the log until it catches up.
    if (window && at >= window.startedAt && at - window.startedAt < HIGHLIGHTS_WEBHOOK_LOG_WINDOW_MS) {
      window.unlogged += 1;
      return;
    }
    this.windows.set(reason, { startedAt: at, unlogged: 0 });
    this.logger.warn(
      { ...fields, reason, unloggedSincePrevious: window?.unlogged ?? 0, sampledPerMs: HIGHLIGHTS_WEBHOOK_LOG_WINDOW_MS },
      'highlights webhook call refused (more of this kind within the minute are counted, not logged)',
    );
  }
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown> | null, headers: Record<string, string> = {}): void {
  if (body === null) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The receiver of LogRocket's highlight pushes. The path token is the only credential, made for
 * one request and expiring with it: it is checked (in constant time) before the body is read,
 * and a wrong, expired or other request's one gets 401 and changes nothing. An accepted push
 * marks the request READY (or FAILED) in the cache at once. The token is never logged; refused
 * calls are logged sampled (see {@link HIGHLIGHTS_WEBHOOK_LOG_WINDOW_MS}).
 */
export function createHighlightsWebhookHandler(options: HighlightsWebhookOptions): HighlightsWebhookHandler {
  const maxBody = options.maxBodyBytes ?? HIGHLIGHTS_WEBHOOK_MAX_BODY_BYTES;
  const refusals = new RefusalLog(options.logger.child({ webhook: 'logrocket-highlights' }), options.now ?? Date.now);
  return async (req, res, url, requestId) => {
    const match = HIGHLIGHTS_WEBHOOK_PATH.exec(url.pathname);
    if (!match) return false;
    const log = options.logger.child({ requestId, webhook: 'logrocket-highlights' });
    const headers = { 'x-request-id': requestId };
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'Use POST.' }, { ...headers, allow: 'POST' });
      return true;
    }
    const sourceId = decodeSegment(match[1]!);
    const token = decodeSegment(match[2]!);
    const grant = sourceId !== null && token !== null ? options.highlights.verifyWebhookToken(sourceId, token) : null;
    if (sourceId === null || grant === null) {
      refusals.note('wrong-token', { requestId });
      // The body is never read; closing the connection discards it.
      reply(res, 401, { error: 'Unknown webhook.' }, { ...headers, connection: 'close' });
      return true;
    }
    let text: string;
    try {
      text = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        reply(res, 413, { error: `Body exceeds ${maxBody} bytes.` }, { ...headers, connection: 'close' });
        return true;
      }
      if (error instanceof BodyCut) {
        // Nobody is left to answer; 499 (nginx's "client closed request") is for the log only.
        log.info({ source: sourceId, tenant: grant.tenant.id, status: 499, outcome: 'client_abort', phase: 'body' }, 'highlights webhook');
        return true;
      }
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      reply(res, 400, { error: 'The body is not JSON.' }, headers);
      return true;
    }
    const outcome = await options.highlights.receivePush(grant, body);
    if (outcome === 'accepted') log.info({ source: sourceId, tenant: grant.tenant.id, outcome }, 'highlights webhook');
    else refusals.note(outcome, { requestId, source: sourceId, tenant: grant.tenant.id });
    switch (outcome) {
      case 'accepted':
        reply(res, 204, null, headers);
        break;
      case 'unknown-request':
        reply(res, 404, { error: 'Unknown highlights request.' }, headers);
        break;
      case 'malformed':
        reply(res, 400, { error: 'The body is not a highlights result with a request id.' }, headers);
        break;
      case 'unauthorized':
        reply(res, 401, { error: 'Unknown webhook.' }, { ...headers, connection: 'close' });
        break;
    }
    return true;
  };
}

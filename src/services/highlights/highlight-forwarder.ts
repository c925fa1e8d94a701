import type { Dispatcher } from 'undici';
import { UpstreamHttpClient, type UpstreamCall, type UpstreamSample } from '../../datasources/http-client';
import { AuditGraphError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { createGuardedAgent } from '../webhook-connect-guard';
import type { WebhookUrlPolicy } from '../webhook-url-policy';
import type { HighlightsView } from './highlights.types';

/** The `sourceId` forwards are reported under (metrics, traces, logs): one label for every client host. */
export const CLIENT_WEBHOOK_SOURCE = 'client-webhook';

/** Options of {@link HighlightForwarder}. */
export interface HighlightForwarderOptions {
  /** Where forwards may connect (checked again at connect time, after DNS). */
  readonly webhookPolicy: WebhookUrlPolicy;
  readonly logger: Logger;
  /** Deadline of one forward, connecting included, ms. */
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Dispatcher of forwards; default an Agent that connects only where `webhookPolicy` allows. */
  readonly dispatcher?: Dispatcher;
  /** Told of every forward attempt, as of every upstream one (metrics). */
  readonly onAttempt?: (sample: UpstreamSample) => void;
}

/** A finished result in LogRocket's own push shape, as client webhooks receive it. */
function pushBody(result: HighlightsView): unknown {
  return {
    requestID: result.requestId,
    status: result.status,
    result:
      result.status === 'READY'
        ? {
            highlights: result.summary,
            sessions: result.sessions.map((s) => ({
              recordingID: s.recordingId,
              sessionID: s.sessionId,
              highlights: s.summary,
              url: s.url,
            })),
          }
        : null,
  };
}

/**
 * Posts finished highlights results to client webhooks, in the background, through the upstream
 * HTTP client (a deadline, attempt metrics and a trace span per forward) on a dispatcher that
 * connects only where the webhook policy allows: never retried, the answer's body never read, and
 * a failure logged (by origin only), never thrown.
 */
export class HighlightForwarder {
  private readonly dispatcher: Dispatcher;
  /** The guarded Agent this forwarder made (and closes); null when one was injected. */
  private readonly ownDispatcher: Dispatcher | null;
  private readonly forwards = new Set<Promise<void>>();

  constructor(private readonly options: HighlightForwarderOptions) {
    this.ownDispatcher = options.dispatcher ? null : createGuardedAgent(options.webhookPolicy, { connectTimeoutMs: options.timeoutMs });
    this.dispatcher = options.dispatcher ?? this.ownDispatcher!;
  }

  /** Posts `result` to the client webhook `url`; returns at once. */
  forward(result: HighlightsView, url: string): void {
    const { logger, timeoutMs, now, onAttempt } = this.options;
    const target = new URL(url);
    const origin = target.origin;
    // A client per forward: the client is bound to one origin, and on an injected dispatcher it
    // holds no connections of its own.
    const client = new UpstreamHttpClient({
      sourceId: CLIENT_WEBHOOK_SOURCE,
      baseUrl: origin,
      timeoutMs,
      retries: 0,
      dispatcher: this.dispatcher,
      logger,
      now,
      onAttempt,
    });
    let answered: number | null = null;
    const call: UpstreamCall = {
      deadline: now() + timeoutMs,
      observe: (sample) => {
        if (typeof sample.status === 'number') answered = sample.status;
      },
    };
    const sending = client
      .send(
        { method: 'POST', path: `${target.pathname}${target.search}`, body: pushBody(result), idempotent: false, discardBody: true },
        call,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          if (answered !== null && answered >= 300) {
            logger.warn({ webhook: origin, status: answered }, 'client webhook refused a highlights result');
            return;
          }
          const cause = error instanceof AuditGraphError && error.internalCause !== undefined ? error.internalCause : error;
          const refused = (cause as { code?: unknown } | null)?.code === 'ERR_WEBHOOK_ADDRESS_REFUSED';
          const err = cause instanceof Error ? cause.message : String(cause);
          logger.warn({ webhook: origin, err }, refused ? 'client webhook refused: not a public address' : 'client webhook unreachable');
        },
      )
      .finally(() => this.forwards.delete(sending));
    this.forwards.add(sending);
  }

  /** Waits for forwards in flight. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.forwards]);
  }

  /** Shutdown: waits for forwards in flight, then closes the Agent this forwarder made. */
  async close(): Promise<void> {
    await this.drain();
    await this.ownDispatcher?.close();
  }
}

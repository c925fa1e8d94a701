import { request as undiciRequest, type Dispatcher } from 'undici';
import type { Logger } from '../../logging/logger';
import { createGuardedAgent } from '../webhook-connect-guard';
import type { WebhookUrlPolicy } from '../webhook-url-policy';
import type { HighlightsView } from './highlights.types';

/** Options of {@link HighlightForwarder}. */
export interface HighlightForwarderOptions {
  /** Where forwards may connect (checked again at connect time, after DNS). */
  readonly webhookPolicy: WebhookUrlPolicy;
  readonly logger: Logger;
  /** Timeout of one forward, ms. */
  readonly timeoutMs: number;
  /** Dispatcher of forwards; default an Agent that connects only where `webhookPolicy` allows. */
  readonly dispatcher?: Dispatcher;
}

/** A finished result in LogRocket's own push shape, as client webhooks receive it. */
function pushBody(result: HighlightsView): string {
  return JSON.stringify({
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
  });
}

/**
 * Posts finished highlights results to client webhooks, in the background: never retried, and a
 * failure is logged (by origin only), never thrown.
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
    const { logger, timeoutMs } = this.options;
    const origin = new URL(url).origin;
    const sending = undiciRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: pushBody(result),
      signal: AbortSignal.timeout(timeoutMs),
      dispatcher: this.dispatcher,
    })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 300)
          logger.warn({ webhook: origin, status: response.statusCode }, 'client webhook refused a highlights result');
      })
      .catch((error: unknown) => {
        const refused = (error as { code?: unknown } | null)?.code === 'ERR_WEBHOOK_ADDRESS_REFUSED';
        const err = error instanceof Error ? error.message : String(error);
        logger.warn({ webhook: origin, err }, refused ? 'client webhook refused: not a public address' : 'client webhook unreachable');
      })
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

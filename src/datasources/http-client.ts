import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Pool, request as undiciRequest, type Dispatcher } from 'undici';
import type { Logger } from '../logging/logger';
import { AuditGraphError, RequestCancelled } from '../errors';
import { CircuitOpen, type CircuitBreaker } from './protection/circuit-breaker';
import { FairShareTimeout, type FairShare } from './protection/fair-share';
import { BudgetRefusal, type OutboundBudget } from './protection/outbound-pacer';
import { isRetryableStatus, retryAfterMs, upstreamError, type UpstreamFault } from './upstream-errors';

/** Per-GraphQL-request limits that every upstream call inherits. */
export interface UpstreamCall {
  /** Epoch ms after which no attempt may start or continue. */
  readonly deadline: number;
  /** Aborts outstanding calls, e.g. when the client went away. */
  readonly signal?: AbortSignal;
  /** Told of every attempt made for this request (per-request logs). */
  readonly observe?: (sample: UpstreamSample) => void;
  /** The tenant the call is made for: a source's calls are shared fairly between tenants. Absent: the gateway's own. */
  readonly tenantId?: string;
}

/** One upstream attempt, as logs and metrics see it. */
export interface UpstreamSample {
  readonly sourceId: string;
  /** HTTP status, `error` when no answer came, `cancelled` when nobody waited for one any more. */
  readonly status: number | 'error' | 'cancelled';
  readonly ms: number;
}

/** One HTTP request to a provider. */
export interface UpstreamRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path below the source's baseUrl, starting with `/`. */
  readonly path: string;
  /** Ordered pairs; repeated keys stay repeated (Zendesk's `filter[action][]`). */
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Whether it may be retried; defaults to true for GET and PUT, false for POST. */
  readonly idempotent?: boolean;
  /** Statuses the caller handles itself instead of them becoming errors (e.g. 404 for a single get). */
  readonly acceptStatuses?: readonly number[];
  /**
   * Drains the answer's body unread (at most undici's dump limit, 128 KiB, then the connection is
   * dropped) and resolves with a null body: for calls that only need the status, to hosts not
   * trusted with the gateway's memory (client webhooks).
   */
  readonly discardBody?: boolean;
}

/** A provider's answer, parsed. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the text when the provider answered with text. */
  readonly body: unknown;
  /** UTF-8 bytes of the body: no fewer than its parsed strings take in memory. */
  readonly bodyBytes: number;
}

/** Options of one source's HTTP client. */
export interface UpstreamHttpClientOptions {
  readonly sourceId: string;
  readonly baseUrl: string;
  /** Per-attempt timeout in ms. */
  readonly timeoutMs: number;
  /** Retries after the first attempt, for idempotent requests. */
  readonly retries: number;
  /** Keep-alive connections of this source's pool; default 8. */
  readonly maxConnections?: number;
  /** A dispatcher to use instead of a private pool (tests pass undici's MockAgent). */
  readonly dispatcher?: Dispatcher;
  readonly logger: Logger;
  /** Longest Retry-After honoured, ms; default 10 000. Longer waits fail fast as UPSTREAM_RATE_LIMITED. */
  readonly maxRetryAfterMs?: number;
  /** Base of the exponential backoff, ms; default 100. */
  readonly backoffBaseMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Called once per attempt, for metrics and tests. */
  readonly onAttempt?: (sample: UpstreamSample) => void;
  /** Told when the source's outbound budget refuses a request. */
  readonly onThrottled?: (sourceId: string) => void;
  /** Outbound request budget of the source; absent for none. */
  readonly rateLimit?: OutboundBudget;
  /** Stops calling the source while it keeps failing; absent for none. */
  readonly breaker?: CircuitBreaker;
  /** Fair admission of tenants to the source's connections; absent for first come, first served. */
  readonly fairShare?: FairShare;
}

const tracer = trace.getTracer('auditgraph');

/**
 * What an attempt says about the provider, for its circuit breaker: `healthy` (it answered like a
 * working service, a 4xx or 429 included), `failing` (connection failure, 5xx, 408, a timeout of a
 * whole attempt, a malformed body), or `none` (the gateway cut the attempt short: the request's
 * deadline or a cancellation; the provider did nothing wrong).
 */
type BreakerVerdict = 'healthy' | 'failing' | 'none';

class AttemptFailure extends Error {
  constructor(
    readonly fault: UpstreamFault,
    readonly retryable: boolean,
    readonly waitMs?: number,
    readonly original?: unknown,
  ) {
    super(fault.kind);
  }

  get verdict(): BreakerVerdict {
    if (this.fault.kind === 'deadline') return 'none';
    return this.fault.kind === 'status' && this.fault.status < 500 && this.fault.status !== 408 ? 'healthy' : 'failing';
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function isJsonType(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value === undefined || /json/i.test(value);
}

/**
 * A provider's HTTP client: one keep-alive pool per source, a timeout per attempt, the request's
 * overall deadline, and retries with exponential backoff and full jitter for idempotent requests
 * on 408/409/425/429/5xx and connection errors, honouring `Retry-After` (capped).
 */
export class UpstreamHttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: UpstreamHttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.maxConnections ?? 8,
        keepAliveTimeout: 30_000,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /** Sends a request with retries; resolves with the parsed body or throws a typed upstream error. */
  async send(req: UpstreamRequest, call: UpstreamCall): Promise<UpstreamResponse> {
    const { sourceId, retries } = this.options;
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const maxAttempts = idempotent ? retries + 1 : 1;
    let last: AttemptFailure | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0 && last) {
        const backoff = Math.min(5_000, (this.options.backoffBaseMs ?? 100) * 2 ** (attempt - 1)) * this.random();
        const wait = Math.max(backoff, last.waitMs ?? 0);
        if (this.now() + wait >= call.deadline) break;
        try {
          await this.sleep(wait, call.signal);
        } catch (error) {
          throw new RequestCancelled(error);
        }
      }
      if (call.signal?.aborted) throw new RequestCancelled(call.signal.reason);
      if (this.now() >= call.deadline) throw upstreamError(sourceId, { kind: 'deadline' });
      const leave = await this.enter(call);
      try {
        await this.admit(call);
        // Unless an answer (or a provider fault) settles it, the admission is given back unjudged.
        let verdict: BreakerVerdict = 'none';
        try {
          const response = await this.attempt(req, call);
          verdict = 'healthy';
          return response;
        } catch (error) {
          if (!(error instanceof AttemptFailure)) throw error;
          verdict = error.verdict;
          last = error;
          if (!error.retryable) break;
        } finally {
          if (verdict === 'none') this.options.breaker?.release();
          else this.options.breaker?.record(verdict === 'healthy');
        }
      } finally {
        leave();
      }
    }
    if (!last) throw upstreamError(sourceId, { kind: 'deadline' });
    throw upstreamError(sourceId, last.fault, last.original);
  }

  /** Waits for the caller's fair turn at the source's connections; resolves with the function that gives it back. */
  private async enter(call: UpstreamCall): Promise<() => void> {
    const { fairShare, sourceId } = this.options;
    if (!fairShare) return () => undefined;
    try {
      return await fairShare.acquire(call.tenantId ?? '', call.deadline, call.signal);
    } catch (error) {
      if (call.signal?.aborted) throw new RequestCancelled(call.signal.reason);
      if (error instanceof FairShareTimeout) throw upstreamError(sourceId, { kind: 'deadline' });
      throw error;
    }
  }

  /** Passes the breaker and takes a token of the source's budget, or throws the typed refusal. */
  private async admit(call: UpstreamCall): Promise<void> {
    const { sourceId, breaker, rateLimit } = this.options;
    try {
      breaker?.admit();
    } catch (error) {
      if (error instanceof CircuitOpen)
        throw upstreamError(sourceId, { kind: 'circuitOpen', retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) });
      throw error;
    }
    try {
      await rateLimit?.acquire(call.deadline, call.signal);
    } catch (error) {
      // The breaker admitted a call that will not happen: no outcome, and no probe left hanging.
      breaker?.release();
      if (error instanceof BudgetRefusal) {
        this.options.onThrottled?.(sourceId);
        throw upstreamError(sourceId, { kind: 'throttled', retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) });
      }
      if (call.signal?.aborted) throw new RequestCancelled(call.signal.reason);
      throw error;
    }
  }

  private urlPath(req: UpstreamRequest): string {
    const query = req.query && req.query.length > 0 ? `?${new URLSearchParams(req.query as [string, string][]).toString()}` : '';
    return `${this.basePath}${req.path}${query}`;
  }

  private async attempt(req: UpstreamRequest, call: UpstreamCall): Promise<UpstreamResponse> {
    const { sourceId, timeoutMs, logger } = this.options;
    const started = this.now();
    const remaining = call.deadline - started;
    const attemptMs = Math.max(1, Math.min(timeoutMs, remaining));
    // One controller for the attempt's timeout and the caller's hang-up: AbortSignal.timeout plus
    // AbortSignal.any cost two signals, a weak timer and a dependant list per upstream call.
    const attemptAbort = new AbortController();
    const timeout = { aborted: false };
    const timer = setTimeout(() => {
      timeout.aborted = true;
      attemptAbort.abort(new DOMException('The attempt timed out.', 'TimeoutError'));
    }, attemptMs);
    const onCallAbort = () => attemptAbort.abort(call.signal?.reason);
    if (call.signal?.aborted) onCallAbort();
    else call.signal?.addEventListener('abort', onCallAbort, { once: true });
    const signal = attemptAbort.signal;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    let status: UpstreamSample['status'] = 'error';
    // A no-op unless an OpenTelemetry SDK is registered in the process.
    const span = tracer.startSpan(`upstream ${req.method} ${sourceId}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'auditgraph.source': sourceId, 'http.request.method': req.method },
    });
    try {
      const response = await undiciRequest(`${this.origin}${this.urlPath(req)}`, {
        method: req.method,
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
      });
      status = response.statusCode;
      this.options.rateLimit?.observe(status, response.headers, this.now());
      let text = '';
      try {
        if (req.discardBody) await response.body.dump();
        else text = await response.body.text();
      } catch (error) {
        throw this.transportFailure(error, timeout, attemptMs < timeoutMs, call);
      }
      const ok = (status >= 200 && status < 300) || (req.acceptStatuses?.includes(status) ?? false);
      if (!ok) {
        const wait = retryAfterMs(response.headers, this.now());
        const maxWait = this.options.maxRetryAfterMs ?? 10_000;
        const fault: UpstreamFault = {
          kind: 'status',
          status,
          ...(status === 429 && wait !== undefined ? { retryAfterSeconds: Math.ceil(wait / 1000) } : {}),
        };
        const retryable = isRetryableStatus(status) && (wait === undefined || wait <= maxWait);
        logger.debug({ source: sourceId, status, ms: this.now() - started }, 'upstream error status');
        throw new AttemptFailure(fault, retryable, wait);
      }
      if (text.length === 0) return { status, headers: response.headers, body: null, bodyBytes: 0 };
      if (!isJsonType(response.headers['content-type'])) {
        return { status, headers: response.headers, body: text, bodyBytes: Buffer.byteLength(text, 'utf8') };
      }
      try {
        return { status, headers: response.headers, body: JSON.parse(text) as unknown, bodyBytes: Buffer.byteLength(text, 'utf8') };
      } catch (error) {
        throw new AttemptFailure({ kind: 'malformed', detail: 'invalid JSON' }, true, undefined, error);
      }
    } catch (error) {
      if (error instanceof AttemptFailure || error instanceof AuditGraphError || error instanceof RequestCancelled) throw error;
      const failure = this.transportFailure(error, timeout, attemptMs < timeoutMs, call);
      if (failure instanceof RequestCancelled) status = 'cancelled';
      throw failure;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onCallAbort);
      const sample: UpstreamSample = { sourceId, status, ms: this.now() - started };
      this.options.onAttempt?.(sample);
      call.observe?.(sample);
      if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
      if (status === 'error' || (typeof status === 'number' && status >= 400)) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }

  /**
   * Why an attempt got no answer. A cancellation is no attempt failure at all; an attempt that the
   * request's deadline cut shorter than the source's own timeout failed by the gateway's doing.
   */
  private transportFailure(
    error: unknown,
    timeout: { readonly aborted: boolean },
    cutByDeadline: boolean,
    call: UpstreamCall,
  ): AttemptFailure | RequestCancelled {
    if (call.signal?.aborted) return new RequestCancelled(call.signal.reason);
    const code = (error as { code?: string } | null)?.code;
    if (timeout.aborted && cutByDeadline) return new AttemptFailure({ kind: 'deadline' }, false, undefined, error);
    if (timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new AttemptFailure({ kind: 'timeout' }, true, undefined, error);
    }
    return new AttemptFailure({ kind: 'network' }, true, undefined, error);
  }

  private closing?: Promise<void>;

  /** Closes the private pool (not an injected dispatcher); safe to call from every user of the client. */
  close(): Promise<void> {
    this.closing ??= this.ownsDispatcher ? this.dispatcher.close() : Promise.resolve();
    return this.closing;
  }
}

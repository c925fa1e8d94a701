import { createHash, randomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { CacheStore } from '../datasources/cache/cache-store';
import type { UpstreamCall } from '../datasources/http-client';
import type { LogRocketRestClient } from '../datasources/logrocket/logrocket-rest.client';
import {
  readLogRocketHighlights,
  type HighlightsStatusValue,
  type LogRocketHighlights,
  type LogRocketSessionHighlight,
} from '../datasources/logrocket/logrocket-rest.mapper';
import type { LogRocketHighlightsRequest } from '../datasources/logrocket/logrocket-rest.types';
import { SharedFlights } from '../datasources/shared-flight';
import type { TenantScope } from '../datasources/source-registry';
import { badUserInput } from '../errors';
import type { Logger } from '../logging/logger';
import type { CursorCodec } from '../paging/cursor-codec';
import type { ParsedTimestamp } from '../paging/time-key';
import type { LogRocketRestSources } from './logrocket-rest-sources';
import type { RequestScope } from './request-scope';
import { restCacheKey } from './rest-cache-key';
import { characterLength, EMAIL_PATTERN, MAX_USER_FIELD_LENGTH } from './text-limits';
import { createGuardedAgent } from './webhook-connect-guard';
import type { WebhookUrlPolicy } from './webhook-url-policy';

/** Timings of the highlights cache and poller; every value in ms. */
export interface HighlightsTuning {
  /** Shortest time between two GETs of one request id, however many clients ask. Default 3 s. */
  readonly pollIntervalMs: number;
  /** How long a READY result is served from the cache before the next ask posts anew. Default 1 h. */
  readonly readyTtlMs: number;
  /** How long a PENDING request is waited for before the next ask gives up on it and posts anew. Default 15 min. */
  readonly pendingTtlMs: number;
  /** How long a FAILED request stays readable through `node(id)`; an ask posts anew at once. Default 10 min. */
  readonly failedTtlMs: number;
  /** Distinct users whose highlights one query resolves at once (`User.highlights`). Default 4. */
  readonly userConcurrency: number;
  /** Deadline of a POST or poll shared by several callers (it outlives any one of them). Default 20 s. */
  readonly sharedCallTimeoutMs: number;
  /** Timeout of one forward to a client's webhook. Default 5 s. */
  readonly forwardTimeoutMs: number;
}

/** Defaults of {@link HighlightsTuning}. */
export const HIGHLIGHTS_DEFAULTS: HighlightsTuning = {
  pollIntervalMs: 3_000,
  readyTtlMs: 60 * 60 * 1000,
  pendingTtlMs: 15 * 60 * 1000,
  failedTtlMs: 10 * 60 * 1000,
  userConcurrency: 4,
  sharedCallTimeoutMs: 20_000,
  forwardTimeoutMs: 5_000,
};

/** Longest `question` accepted (our bound; LogRocket documents none). */
export const MAX_QUESTION_LENGTH = 2_000;
/** Client webhooks remembered per request. */
const MAX_FORWARDS = 10;
/** Tag of a webhook token's signed binding: no cursor's binding starts like it. */
const WEBHOOK_TOKEN_TAG = 'highlights-webhook/v2';
/** Longest path token looked at; ours are about 200 characters. */
const MAX_WEBHOOK_TOKEN_LENGTH = 1_024;

/** A `HighlightsInput`, as the resolver hands it over. */
export interface HighlightsCommand {
  readonly source?: string | null;
  readonly userEmail?: string | null;
  readonly userId?: string | null;
  readonly from?: ParsedTimestamp | null;
  readonly to?: ParsedTimestamp | null;
  readonly question?: string | null;
  readonly webhookUrl?: string | null;
}

/** The schema's `Highlights`. */
export interface HighlightsView {
  readonly sourceId: string;
  readonly requestId: string;
  readonly status: HighlightsStatusValue;
  readonly summary: string | null;
  readonly sessions: readonly LogRocketSessionHighlight[];
}

/** What the cache holds per request id. */
interface HighlightsEntry extends HighlightsView {
  /** Digest of the ask that posted it; null when first seen through `node(id)`. */
  readonly identity: string | null;
  readonly postedAt: number;
  /** Last GET (or claim of one), for the poll interval. */
  readonly polledAt: number;
  /** When it became READY or FAILED. */
  readonly doneAt: number | null;
  /** Client webhooks the gateway forwards the result to when it learns of it. */
  readonly forwardTo: readonly string[];
  /** The client webhook LogRocket itself was given (no gateway forward needed). */
  readonly directWebhook: string | null;
  /** Id in the token of the gateway webhook LogRocket was given for this request; null when none was. */
  readonly hookId?: string | null;
}

/** Validated ask. */
interface PreparedAsk {
  readonly client: LogRocketRestClient;
  readonly tenant: TenantScope;
  readonly body: Omit<LogRocketHighlightsRequest, 'webhookURL'>;
  readonly identity: string;
  readonly webhookUrl: string | null;
}

/** Outcome of a webhook push, for the HTTP handler. */
export type HighlightsPushOutcome = 'accepted' | 'unauthorized' | 'unknown-request' | 'malformed';

/** What a valid webhook token grants: pushing the result of one request of one tenant and source. */
export interface HighlightsWebhookGrant {
  readonly tenant: TenantScope;
  readonly sourceId: string;
  /** The request's hook id; a push is accepted only for the request posted with it. */
  readonly hookId: string;
}

/** Options of {@link HighlightsService}. */
export interface HighlightsServiceOptions {
  readonly sources: LogRocketRestSources;
  readonly cache: CacheStore;
  readonly logger: Logger;
  /** Every configured tenant (a webhook token names its tenant, which must still read the source). */
  readonly tenants: () => readonly TenantScope[];
  /** Signs webhook tokens: the cursor codec, so tokens follow its key rotation. */
  readonly codec: CursorCodec;
  /** `server.publicUrl`: when set, LogRocket is handed the gateway's own webhook. */
  readonly publicUrl?: string;
  /** Which client webhook URLs are accepted, and where forwards may connect. */
  readonly webhookPolicy: WebhookUrlPolicy;
  readonly tuning?: Partial<HighlightsTuning>;
  readonly now?: () => number;
  /** Dispatcher of forwards to client webhooks; default an Agent that connects only where `webhookPolicy` allows. */
  readonly dispatcher?: Dispatcher;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function isDone(status: HighlightsStatusValue): boolean {
  return status !== 'PENDING';
}

/**
 * Galileo highlights with a cache in front: identical asks (tenant, source, user, range, question)
 * share one LogRocket request, running or finished; READY results are served from the cache for
 * `readyTtlMs`; a FAILED or given-up request is posted again on the next ask; a request id is
 * polled at most once per `pollIntervalMs` however many clients ask. Pushes to the gateway's
 * webhook settle a request at once.
 */
export class HighlightsService {
  private readonly tuning: HighlightsTuning;
  private readonly now: () => number;
  private readonly flights = new SharedFlights();
  private readonly dispatcher: Dispatcher;
  /** The guarded Agent this service made (and closes); null when one was injected. */
  private readonly ownDispatcher: Dispatcher | null;
  private readonly loaders = new WeakMap<RequestScope, DataLoader<UserHighlightsKey, HighlightsView, string>>();
  /** Serialises read-modify-write of one entry in this process. */
  private readonly entryLocks = new Map<string, Promise<unknown>>();
  private readonly forwards = new Set<Promise<void>>();

  constructor(private readonly options: HighlightsServiceOptions) {
    this.tuning = { ...HIGHLIGHTS_DEFAULTS, ...options.tuning };
    this.now = options.now ?? Date.now;
    this.ownDispatcher = options.dispatcher
      ? null
      : createGuardedAgent(options.webhookPolicy, { connectTimeoutMs: this.tuning.forwardTimeoutMs });
    this.dispatcher = options.dispatcher ?? this.ownDispatcher!;
  }

  // ---- validation -----------------------------------------------------------------------

  private async prepare(scope: RequestScope, input: HighlightsCommand): Promise<PreparedAsk> {
    const email = input.userEmail ?? null;
    const userId = input.userId ?? null;
    if ((email === null) === (userId === null)) {
      throw badUserInput('Give exactly one of `userEmail` and `userId`.', email === null ? 'userId' : 'userEmail');
    }
    if (email !== null && (characterLength(email) > MAX_USER_FIELD_LENGTH || !EMAIL_PATTERN.test(email))) {
      throw badUserInput('`userEmail` must be an email address such as jane@example.com.', 'userEmail');
    }
    if (userId !== null && (userId.trim() === '' || characterLength(userId) > MAX_USER_FIELD_LENGTH)) {
      throw badUserInput(`\`userId\` must be 1 to ${MAX_USER_FIELD_LENGTH} characters.`, 'userId');
    }
    const from = input.from ?? null;
    const to = input.to ?? null;
    if (from !== null && to !== null && from.key >= to.key) throw badUserInput('`to` must be later than `from`.', 'to');
    const question = input.question === '' ? null : (input.question ?? null);
    if (question !== null && characterLength(question) > MAX_QUESTION_LENGTH) {
      throw badUserInput(`\`question\` must be at most ${MAX_QUESTION_LENGTH} characters.`, 'question');
    }
    const client = this.options.sources.resolve(scope, input.source);
    const webhookUrl =
      input.webhookUrl === null || input.webhookUrl === undefined
        ? null
        : await this.options.webhookPolicy.accept(input.webhookUrl, 'webhookUrl');
    const timeRange =
      from === null && to === null ? undefined : { ...(from ? { startMs: from.epochMs } : {}), ...(to ? { endMs: to.epochMs } : {}) };
    const body = {
      ...(email !== null ? { userEmail: email } : { userID: userId! }),
      ...(question !== null ? { question } : {}),
      ...(timeRange ? { timeRange } : {}),
    };
    const identity = sha256(
      JSON.stringify([email !== null ? 'email' : 'id', email ?? userId, from?.epochMs ?? null, to?.epochMs ?? null, question]),
    );
    return { client, tenant: scope.tenant, body, identity, webhookUrl };
  }

  // ---- cache ------------------------------------------------------------------------------

  private askKey(tenantId: string, sourceId: string, identity: string): string {
    return restCacheKey('highlights-ask', tenantId, sourceId, identity);
  }

  private entryKey(tenantId: string, sourceId: string, requestId: string): string {
    return restCacheKey('highlights', tenantId, sourceId, requestId);
  }

  /** When an entry stops answering asks: READY after its TTL, PENDING when given up on. */
  private expiresAt(entry: HighlightsEntry): number {
    if (entry.status === 'READY') return (entry.doneAt ?? entry.postedAt) + this.tuning.readyTtlMs;
    if (entry.status === 'FAILED') return (entry.doneAt ?? entry.postedAt) + this.tuning.failedTtlMs;
    return entry.postedAt + this.tuning.pendingTtlMs;
  }

  /** Whether the entry may answer an ask; a FAILED one never does (the ask posts again). */
  private isFresh(entry: HighlightsEntry): boolean {
    return entry.status !== 'FAILED' && this.expiresAt(entry) > this.now();
  }

  private async save(tenantId: string, entry: HighlightsEntry): Promise<void> {
    const ttl = Math.max(1, this.expiresAt(entry) - this.now());
    await this.options.cache.set(this.entryKey(tenantId, entry.sourceId, entry.requestId), entry, ttl);
    if (entry.identity !== null) {
      await this.options.cache.set(this.askKey(tenantId, entry.sourceId, entry.identity), { requestId: entry.requestId }, ttl);
    }
  }

  private load(tenantId: string, sourceId: string, requestId: string): Promise<HighlightsEntry | undefined> {
    return this.options.cache.get<HighlightsEntry>(this.entryKey(tenantId, sourceId, requestId));
  }

  /**
   * Applies `change` to the cached entry (or to `known` when the cache lost it) and saves the
   * result, one change at a time per entry in this process, so that a late write never undoes a
   * newer one (a finished request never goes back to PENDING).
   */
  private mutate(
    tenantId: string,
    known: HighlightsEntry,
    change: (current: HighlightsEntry) => HighlightsEntry,
  ): Promise<HighlightsEntry> {
    const key = this.entryKey(tenantId, known.sourceId, known.requestId);
    const previous = this.entryLocks.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const current = (await this.load(tenantId, known.sourceId, known.requestId)) ?? known;
        const next = change(current);
        if (next !== current) await this.save(tenantId, next);
        return next;
      });
    this.entryLocks.set(key, run);
    void run
      .finally(() => {
        if (this.entryLocks.get(key) === run) this.entryLocks.delete(key);
      })
      .catch(() => undefined);
    return run;
  }

  /** Merges what LogRocket said into an entry; a finished entry is never reopened. */
  private settle(current: HighlightsEntry, read: Pick<LogRocketHighlights, 'status' | 'summary' | 'sessions'>): HighlightsEntry {
    if (isDone(current.status) || read.status === 'PENDING') return current;
    return { ...current, status: read.status, summary: read.summary, sessions: read.sessions, doneAt: this.now() };
  }

  private view(entry: HighlightsEntry): HighlightsView {
    return { sourceId: entry.sourceId, requestId: entry.requestId, status: entry.status, summary: entry.summary, sessions: entry.sessions };
  }

  private sharedCall(): UpstreamCall {
    return { deadline: this.now() + this.tuning.sharedCallTimeoutMs };
  }

  // ---- webhook tokens ---------------------------------------------------------------------

  /**
   * The path token of the gateway's webhook for one request: a cursor-codec signature (so it
   * follows `cursorSecret` rotation) over the tenant, source, the request's hook id and when the
   * token stops working.
   */
  webhookToken(tenantId: string, sourceId: string, hookId: string, expiresAt: number): string {
    return this.options.codec.encode({ b: JSON.stringify([WEBHOOK_TOKEN_TAG, tenantId, sourceId, hookId, expiresAt]), k: null });
  }

  /** The gateway's webhook URL for one request, when `server.publicUrl` is configured. */
  webhookUrl(tenantId: string, sourceId: string, hookId: string, expiresAt: number): string | null {
    const base = this.options.publicUrl;
    if (base === undefined) return null;
    const token = this.webhookToken(tenantId, sourceId, hookId, expiresAt);
    return `${base.replace(/\/+$/, '')}/webhooks/logrocket/highlights/${encodeURIComponent(sourceId)}/${token}`;
  }

  /**
   * What a webhook token grants for `sourceId`, or null when it is forged, altered, signed with
   * a retired secret, made for another source, expired, or names a tenant that may no longer
   * read the source. The signature is compared in constant time (CursorCodec); the body of the
   * push is not needed for any of this.
   */
  verifyWebhookToken(sourceId: string, token: string): HighlightsWebhookGrant | null {
    if (token.length > MAX_WEBHOOK_TOKEN_LENGTH) return null;
    // The codec checks a payload against the binding it is expected to carry; a token's binding
    // is its claim, read here unverified and trusted only once the codec has verified the MAC.
    let claim: unknown;
    try {
      claim = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { b?: unknown }).b;
    } catch {
      return null;
    }
    if (typeof claim !== 'string') return null;
    let fields: unknown;
    try {
      this.options.codec.decode(token, claim);
      fields = JSON.parse(claim);
    } catch {
      return null;
    }
    if (!Array.isArray(fields) || fields.length !== 5) return null;
    const [tag, tenantId, tokenSourceId, hookId, expiresAt] = fields as unknown[];
    if (tag !== WEBHOOK_TOKEN_TAG || tokenSourceId !== sourceId || typeof hookId !== 'string' || typeof expiresAt !== 'number') return null;
    if (expiresAt <= this.now()) return null;
    const tenant = this.options.tenants().find((t) => t.id === tenantId);
    if (!tenant || !tenant.sourceIds.has(sourceId)) return null;
    return { tenant, sourceId, hookId };
  }

  // ---- asks -------------------------------------------------------------------------------

  /** `highlights(input)`: reuses the running or finished request of the same ask when there is one. */
  async highlights(scope: RequestScope, input: HighlightsCommand): Promise<HighlightsView> {
    const ask = await this.prepare(scope, input);
    const flightKey = this.askKey(ask.tenant.id, ask.client.sourceId, ask.identity);
    const entry = await this.flights.run(flightKey, this.sharedCall(), (call) => this.answer(ask, call));
    return this.view(await this.attachWebhook(ask, entry));
  }

  /** `requestHighlights(input)`: always a fresh LogRocket request; later asks reuse it. */
  async requestHighlights(scope: RequestScope, input: HighlightsCommand): Promise<HighlightsView> {
    const ask = await this.prepare(scope, input);
    return this.view(await this.post(ask, scope.call));
  }

  private async answer(ask: PreparedAsk, call: UpstreamCall): Promise<HighlightsEntry> {
    const { tenant, client, identity } = ask;
    const pointer = await this.options.cache.get<{ requestId: string }>(this.askKey(tenant.id, client.sourceId, identity));
    const entry = pointer ? await this.load(tenant.id, client.sourceId, pointer.requestId) : undefined;
    if (entry && this.isFresh(entry)) {
      if (entry.status === 'READY') return entry;
      const refreshed = await this.refresh(tenant, client, entry);
      return refreshed;
    }
    return this.post(ask, call);
  }

  private async post(ask: PreparedAsk, call: UpstreamCall): Promise<HighlightsEntry> {
    const { tenant, client } = ask;
    // LogRocket's request id is only known once it answered, so the token names a hook id of
    // ours, recorded with the request; it expires when the gateway stops waiting for the request.
    const hookId = randomBytes(16).toString('base64url');
    const gatewayHook = this.webhookUrl(tenant.id, client.sourceId, hookId, this.now() + this.tuning.pendingTtlMs);
    // LogRocket takes one webhook: the gateway's own when it has a public URL (the gateway then
    // forwards to the client's), else the client's.
    const webhookURL = gatewayHook ?? ask.webhookUrl ?? undefined;
    const created = await client.createHighlights({ ...ask.body, ...(webhookURL ? { webhookURL } : {}) }, call);
    const now = this.now();
    const fresh: HighlightsEntry = {
      sourceId: client.sourceId,
      requestId: created.requestId,
      status: 'PENDING',
      summary: null,
      sessions: [],
      identity: ask.identity,
      postedAt: now,
      polledAt: now,
      doneAt: null,
      forwardTo: gatewayHook !== null && ask.webhookUrl !== null ? [ask.webhookUrl] : [],
      directWebhook: gatewayHook === null ? ask.webhookUrl : null,
      hookId: gatewayHook === null ? null : hookId,
    };
    // The third-party OpenAPI's POST answers the whole response; a result already there is taken as it is.
    const entry = this.settle(fresh, created);
    await this.save(tenant.id, entry);
    return entry;
  }

  /** Polls a PENDING entry unless it was polled within the interval; one GET per id at a time. */
  private async refresh(tenant: TenantScope, client: LogRocketRestClient, entry: HighlightsEntry): Promise<HighlightsEntry> {
    if (isDone(entry.status) || this.now() - entry.polledAt < this.tuning.pollIntervalMs) return entry;
    const key = this.entryKey(tenant.id, client.sourceId, entry.requestId);
    return this.flights.run(`poll:${key}`, this.sharedCall(), async (call) => {
      let claimed = false;
      // Claim the poll first, so other callers (and instances sharing the cache) skip it.
      const current = await this.mutate(tenant.id, entry, (latest) => {
        if (isDone(latest.status) || this.now() - latest.polledAt < this.tuning.pollIntervalMs) return latest;
        claimed = true;
        return { ...latest, polledAt: this.now() };
      });
      if (!claimed) return current;
      const read = await client.getHighlights(entry.requestId, call);
      // LogRocket no longer knowing the id means it will never finish: treat it as failed.
      return this.finish(tenant, current, read ?? { status: 'FAILED', summary: null, sessions: [] });
    });
  }

  /** Records a result and forwards it to the client webhooks waiting for it. */
  private async finish(
    tenant: TenantScope,
    known: HighlightsEntry,
    read: Pick<LogRocketHighlights, 'status' | 'summary' | 'sessions'>,
  ): Promise<HighlightsEntry> {
    let forwardTo: readonly string[] = [];
    const updated = await this.mutate(tenant.id, known, (current) => {
      const settled = this.settle(current, read);
      if (settled === current) return current;
      forwardTo = settled.forwardTo;
      return { ...settled, forwardTo: [] };
    });
    for (const url of forwardTo) this.forward(updated, url);
    return updated;
  }

  /** Registers the asker's webhook on a running request, or forwards a finished result now. */
  private async attachWebhook(ask: PreparedAsk, entry: HighlightsEntry): Promise<HighlightsEntry> {
    const url = ask.webhookUrl;
    if (url === null || url === entry.directWebhook || entry.forwardTo.includes(url)) return entry;
    let forwardNow = false;
    const updated = await this.mutate(ask.tenant.id, entry, (current) => {
      if (isDone(current.status)) {
        forwardNow = true;
        return current;
      }
      if (current.forwardTo.includes(url) || current.forwardTo.length >= MAX_FORWARDS) return current;
      return { ...current, forwardTo: [...current.forwardTo, url] };
    });
    if (forwardNow) this.forward(updated, url);
    return updated;
  }

  /** Posts a finished result to a client webhook, in LogRocket's own push shape; never retried. */
  private forward(entry: HighlightsEntry, url: string): void {
    const body = JSON.stringify({
      requestID: entry.requestId,
      status: entry.status,
      result:
        entry.status === 'READY'
          ? {
              highlights: entry.summary,
              sessions: entry.sessions.map((s) => ({
                recordingID: s.recordingId,
                sessionID: s.sessionId,
                highlights: s.summary,
                url: s.url,
              })),
            }
          : null,
    });
    const origin = new URL(url).origin;
    const sending = undiciRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.tuning.forwardTimeoutMs),
      dispatcher: this.dispatcher,
    })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 300)
          this.options.logger.warn({ webhook: origin, status: response.statusCode }, 'client webhook refused a highlights result');
      })
      .catch((error: unknown) => {
        const refused = (error as { code?: unknown } | null)?.code === 'ERR_WEBHOOK_ADDRESS_REFUSED';
        const err = error instanceof Error ? error.message : String(error);
        this.options.logger.warn(
          { webhook: origin, err },
          refused ? 'client webhook refused: not a public address' : 'client webhook unreachable',
        );
      })
      .finally(() => this.forwards.delete(sending));
    this.forwards.add(sending);
  }

  // ---- webhook pushes and node lookups ---------------------------------------------------

  /**
   * A result LogRocket pushed to `/webhooks/logrocket/highlights/{sourceId}/{token}`, once the
   * token was verified ({@link verifyWebhookToken}). Only the one request posted with the token's
   * hook id, of that tenant and source, is updated; nothing else changes.
   */
  async receivePush(grant: HighlightsWebhookGrant, body: unknown): Promise<HighlightsPushOutcome> {
    const { tenant, sourceId } = grant;
    const client = this.options.sources.readable(tenant, sourceId);
    if (!client) return 'unauthorized';
    let read: LogRocketHighlights;
    try {
      read = readLogRocketHighlights(sourceId, body, client.app);
    } catch {
      return 'malformed';
    }
    if (read.requestId === null) return 'malformed';
    const known = await this.load(tenant.id, sourceId, read.requestId);
    if (!known) return 'unknown-request';
    // Another request's token, or one for a request posted without the gateway's webhook.
    if ((known.hookId ?? null) !== grant.hookId) return 'unauthorized';
    await this.finish(tenant, known, read);
    return 'accepted';
  }

  /** `node(id)` of a Highlights id: the cached request (polled when due), else LogRocket's GET. */
  async byRequestId(scope: RequestScope, sourceId: string, requestId: string): Promise<HighlightsView | null> {
    const client = this.options.sources.readable(scope.tenant, sourceId);
    if (!client) return null;
    const entry = await this.load(scope.tenant.id, sourceId, requestId);
    if (entry) return this.view(await this.refresh(scope.tenant, client, entry));
    const key = this.entryKey(scope.tenant.id, sourceId, requestId);
    const found = await this.flights.run(`poll:${key}`, scope.call, async (call) => {
      const read = await client.getHighlights(requestId, call);
      if (!read) return null;
      const now = this.now();
      const discovered: HighlightsEntry = {
        sourceId,
        requestId,
        status: 'PENDING',
        summary: null,
        sessions: [],
        identity: null,
        postedAt: now,
        polledAt: now,
        doneAt: null,
        forwardTo: [],
        directWebhook: null,
      };
      const settled = this.settle(discovered, read);
      await this.save(scope.tenant.id, settled);
      return settled;
    });
    return found ? this.view(found) : null;
  }

  // ---- User.highlights --------------------------------------------------------------------

  /**
   * `User.highlights` through the request's DataLoader: one ask per distinct (user, range,
   * question), at most `userConcurrency` at once.
   */
  forUser(scope: RequestScope, key: UserHighlightsKey): Promise<HighlightsView> {
    let loader = this.loaders.get(scope);
    if (!loader) {
      const limit = pLimit(this.tuning.userConcurrency);
      loader = new DataLoader<UserHighlightsKey, HighlightsView, string>(
        (keys) =>
          Promise.all(
            keys.map((k) =>
              limit(() =>
                this.highlights(scope, { source: k.sourceId, userId: k.userId, from: k.from, to: k.to, question: k.question }),
              ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
            ),
          ),
        {
          cacheKeyFn: (k) => JSON.stringify([k.sourceId, k.userId, k.from?.key ?? null, k.to?.key ?? null, k.question ?? null]),
        },
      );
      this.loaders.set(scope, loader);
    }
    return loader.load(key);
  }

  /** Waits for forwards in flight (tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.forwards]);
  }

  /** Shutdown: waits for forwards in flight, then closes the forwarding Agent this service made. */
  async close(): Promise<void> {
    await this.drain();
    await this.ownDispatcher?.close();
  }
}

/** What `User.highlights` asks for. */
export interface UserHighlightsKey {
  readonly sourceId: string;
  readonly userId: string;
  readonly from: ParsedTimestamp | null;
  readonly to: ParsedTimestamp | null;
  readonly question: string | null;
}

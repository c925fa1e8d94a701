import { randomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { Dispatcher } from 'undici';
import type { CacheStore } from '../../datasources/cache/cache-store';
import type { UpstreamCall, UpstreamSample } from '../../datasources/http-client';
import type { LogRocketRestClient } from '../../datasources/logrocket/logrocket-rest.client';
import {
  readLogRocketHighlights,
  type HighlightsStatusValue,
  type LogRocketHighlights,
} from '../../datasources/logrocket/logrocket-rest.mapper';
import { SharedFlights } from '../../datasources/shared-flight';
import type { TenantScope } from '../../datasources/source-registry';
import type { Logger } from '../../logging/logger';
import type { CursorCodec } from '../../paging/cursor-codec';
import type { LogRocketRestSources } from '../logrocket-rest-sources';
import type { RequestScope } from '../request-scope';
import type { WebhookUrlPolicy } from '../webhook-url-policy';
import { HighlightEntryStore, type HighlightsEntry } from './highlight-entry.store';
import { HighlightForwarder } from './highlight-forwarder';
import { prepareHighlightsAsk, type PreparedHighlightsAsk } from './highlight-request.validation';
import type { HighlightsCommand, HighlightsPushOutcome, HighlightsView, UserHighlightsKey } from './highlights.types';
import { HIGHLIGHTS_DEFAULTS, type HighlightsTuning } from './highlights.tuning';
import { HighlightsWebhookTokens, type HighlightsWebhookGrant } from './webhook-tokens';

/** Client webhooks remembered per request. */
const MAX_FORWARDS = 10;

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
  /** Told of every forward attempt (metrics), under the source id `client-webhook` (CLIENT_WEBHOOK_SOURCE). */
  readonly onAttempt?: (sample: UpstreamSample) => void;
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
  private readonly entries: HighlightEntryStore;
  private readonly tokens: HighlightsWebhookTokens;
  private readonly forwarder: HighlightForwarder;
  private readonly loaders = new WeakMap<RequestScope, DataLoader<UserHighlightsKey, HighlightsView, string>>();

  constructor(private readonly options: HighlightsServiceOptions) {
    this.tuning = { ...HIGHLIGHTS_DEFAULTS, ...options.tuning };
    this.now = options.now ?? Date.now;
    this.entries = new HighlightEntryStore({ cache: options.cache, ttls: this.tuning, now: this.now });
    this.tokens = new HighlightsWebhookTokens({
      codec: options.codec,
      tenants: options.tenants,
      publicUrl: options.publicUrl,
      now: this.now,
    });
    this.forwarder = new HighlightForwarder({
      webhookPolicy: options.webhookPolicy,
      logger: options.logger,
      timeoutMs: this.tuning.forwardTimeoutMs,
      now: this.now,
      dispatcher: options.dispatcher,
      onAttempt: options.onAttempt,
    });
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

  private prepare(scope: RequestScope, input: HighlightsCommand): Promise<PreparedHighlightsAsk> {
    return prepareHighlightsAsk(scope, input, this.options);
  }

  /** What a webhook token grants for `sourceId`, or null when it grants nothing ({@link HighlightsWebhookTokens.verify}). */
  verifyWebhookToken(sourceId: string, token: string): HighlightsWebhookGrant | null {
    return this.tokens.verify(sourceId, token);
  }

  /** `highlights(input)`: reuses the running or finished request of the same ask when there is one. */
  async highlights(scope: RequestScope, input: HighlightsCommand): Promise<HighlightsView> {
    const ask = await this.prepare(scope, input);
    const flightKey = this.entries.askKey(ask.tenant.id, ask.client.sourceId, ask.identity);
    const entry = await this.flights.run(flightKey, this.sharedCall(), (call) => this.answer(ask, call));
    return this.view(await this.attachWebhook(ask, entry));
  }

  /** `requestHighlights(input)`: always a fresh LogRocket request; later asks reuse it. */
  async requestHighlights(scope: RequestScope, input: HighlightsCommand): Promise<HighlightsView> {
    const ask = await this.prepare(scope, input);
    return this.view(await this.post(ask, scope.call));
  }

  private async answer(ask: PreparedHighlightsAsk, call: UpstreamCall): Promise<HighlightsEntry> {
    const { tenant, client, identity } = ask;
    const entry = await this.entries.loadAsked(tenant.id, client.sourceId, identity);
    if (entry && this.entries.isFresh(entry)) {
      if (entry.status === 'READY') return entry;
      return this.refresh(tenant, client, entry);
    }
    return this.post(ask, call);
  }

  private async post(ask: PreparedHighlightsAsk, call: UpstreamCall): Promise<HighlightsEntry> {
    const { tenant, client } = ask;
    // LogRocket's request id is only known once it answered, so the token names a hook id of
    // ours, recorded with the request; it expires when the gateway stops waiting for the request.
    const hookId = randomBytes(16).toString('base64url');
    const gatewayHook = this.tokens.url(tenant.id, client.sourceId, hookId, this.now() + this.tuning.pendingTtlMs);
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
    await this.entries.save(tenant.id, entry);
    return entry;
  }

  /** Polls a PENDING entry unless it was polled within the interval; one GET per id at a time. */
  private async refresh(tenant: TenantScope, client: LogRocketRestClient, entry: HighlightsEntry): Promise<HighlightsEntry> {
    if (isDone(entry.status) || this.now() - entry.polledAt < this.tuning.pollIntervalMs) return entry;
    const key = this.entries.entryKey(tenant.id, client.sourceId, entry.requestId);
    return this.flights.run(`poll:${key}`, this.sharedCall(), async (call) => {
      let claimed = false;
      // Claim the poll first, so other callers (and instances sharing the cache) skip it.
      const current = await this.entries.mutate(tenant.id, entry, (latest) => {
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
    const updated = await this.entries.mutate(tenant.id, known, (current) => {
      const settled = this.settle(current, read);
      if (settled === current) return current;
      forwardTo = settled.forwardTo;
      return { ...settled, forwardTo: [] };
    });
    for (const url of forwardTo) this.forwarder.forward(this.view(updated), url);
    return updated;
  }

  /** Registers the asker's webhook on a running request, or forwards a finished result now. */
  private async attachWebhook(ask: PreparedHighlightsAsk, entry: HighlightsEntry): Promise<HighlightsEntry> {
    const url = ask.webhookUrl;
    if (url === null || url === entry.directWebhook || entry.forwardTo.includes(url)) return entry;
    let forwardNow = false;
    const updated = await this.entries.mutate(ask.tenant.id, entry, (current) => {
      if (isDone(current.status)) {
        forwardNow = true;
        return current;
      }
      if (current.forwardTo.includes(url) || current.forwardTo.length >= MAX_FORWARDS) return current;
      return { ...current, forwardTo: [...current.forwardTo, url] };
    });
    if (forwardNow) this.forwarder.forward(this.view(updated), url);
    return updated;
  }

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
    const known = await this.entries.load(tenant.id, sourceId, read.requestId);
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
    const entry = await this.entries.load(scope.tenant.id, sourceId, requestId);
    if (entry) return this.view(await this.refresh(scope.tenant, client, entry));
    const key = this.entries.entryKey(scope.tenant.id, sourceId, requestId);
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
      await this.entries.save(scope.tenant.id, settled);
      return settled;
    });
    return found ? this.view(found) : null;
  }

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
  drain(): Promise<void> {
    return this.forwarder.drain();
  }

  /** Shutdown: waits for forwards in flight, then closes the forwarding Agent this service made. */
  close(): Promise<void> {
    return this.forwarder.close();
  }
}

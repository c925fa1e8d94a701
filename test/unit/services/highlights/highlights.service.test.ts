import { MockAgent } from 'undici';
import type { UpstreamCall, UpstreamSample } from '../../../../src/datasources/http-client';
import type { LogRocketHighlights } from '../../../../src/datasources/logrocket/logrocket-rest.mapper';
import { RequestCancelled } from '../../../../src/errors';
import { silentLogger } from '../../../../src/logging/logger';
import { CursorCodec } from '../../../../src/paging/cursor-codec';
import { HighlightsService, type HighlightsServiceOptions } from '../../../../src/services/highlights/highlights.service';
import { HIGHLIGHTS_DEFAULTS } from '../../../../src/services/highlights/highlights.tuning';
import { WebhookUrlPolicy, type HostResolver } from '../../../../src/services/webhook-url-policy';
import { fakeClient, fakeSources, memoryCache, scopeOf, tick } from '../logrocket-rest-fakes';

const ACME = { id: 'acme', sourceIds: new Set(['lr-web', 'zendesk']) };
const BETA = { id: 'beta', sourceIds: new Set(['lr-web']) };
const SECRET = 'test-secret-0123456789-0123456789';

/** A resolver of fixed answers: public for *.example.com, loopback for *.internal. */
const fakeResolver: HostResolver = async (host) => {
  if (host.endsWith('.example.com')) return [{ address: '93.184.215.14', family: 4 }];
  if (host.endsWith('.internal')) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

interface FakeUpstream {
  posts: unknown[];
  polls: string[];
  status: Map<string, LogRocketHighlights['status']>;
  /** Delay of each POST, ms. */
  postDelayMs: number;
  active: number;
  peak: number;
  /** Awaited by every GET when set. */
  pollGate?: Promise<void>;
  /** The signal of each GET's call. */
  pollSignals: (AbortSignal | undefined)[];
}

function setup(overrides: Partial<HighlightsServiceOptions> = {}) {
  let clock = 1_700_000_000_000;
  const upstream: FakeUpstream = { posts: [], polls: [], status: new Map(), postDelayMs: 0, active: 0, peak: 0, pollSignals: [] };
  const client = fakeClient('lr-web', {
    async createHighlights(body: unknown) {
      upstream.active += 1;
      upstream.peak = Math.max(upstream.peak, upstream.active);
      upstream.posts.push(body);
      if (upstream.postDelayMs > 0) await tick(upstream.postDelayMs);
      upstream.active -= 1;
      const requestId = `r-${upstream.posts.length}`;
      upstream.status.set(requestId, 'PENDING');
      return { requestId, status: 'PENDING', summary: null, sessions: [] };
    },
    async getHighlights(requestId: string, call: UpstreamCall) {
      upstream.polls.push(requestId);
      upstream.pollSignals.push(call.signal);
      if (upstream.pollGate) await upstream.pollGate;
      const status = upstream.status.get(requestId);
      if (status === undefined) return null;
      return status === 'READY'
        ? { requestId, status, summary: 'done', sessions: [{ recordingId: 'rec', sessionId: 1, summary: 's', url: 'u' }] }
        : { requestId, status, summary: null, sessions: [] };
    },
  });
  const now = () => clock;
  const cache = memoryCache(now);
  const service = new HighlightsService({
    sources: fakeSources([client]),
    cache,
    logger: silentLogger(),
    tenants: () => [ACME, BETA],
    codec: new CursorCodec(SECRET),
    webhookPolicy: new WebhookUrlPolicy({ resolve: fakeResolver }),
    now,
    ...overrides,
  });
  return {
    service,
    upstream,
    cache,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('HighlightsService', () => {
  it('polls a request id at most once per interval, however many ask', async () => {
    const { service, upstream, advance } = setup();
    const input = { userId: 'u-1' };
    await service.highlights(scopeOf(ACME), input);
    advance(2_999);
    await Promise.all(Array.from({ length: 10 }, (_, i) => service.highlights(scopeOf(ACME, `req-${i}-abcdef`), input)));
    expect(upstream.polls).toHaveLength(0);
    advance(1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => service.highlights(scopeOf(ACME, `req-${i}-abcdef`), input)));
    expect(upstream.polls).toEqual(['r-1']);
    upstream.status.set('r-1', 'READY');
    advance(3_000);
    const ready = await service.highlights(scopeOf(ACME), input);
    expect(ready).toMatchObject({ status: 'READY', summary: 'done' });
    advance(30 * 60_000);
    await service.highlights(scopeOf(ACME), input);
    expect(upstream.polls).toHaveLength(2);
    expect(upstream.posts).toHaveLength(1);
  });

  it('gives up on a request PENDING for 15 minutes and posts again', async () => {
    const { service, advance } = setup();
    await service.highlights(scopeOf(ACME), { userId: 'slow' });
    advance(14 * 60_000);
    expect((await service.highlights(scopeOf(ACME), { userId: 'slow' })).requestId).toBe('r-1');
    advance(60_001);
    expect((await service.highlights(scopeOf(ACME), { userId: 'slow' })).requestId).toBe('r-2');
  });

  it('treats an id LogRocket no longer knows as FAILED, and posts again next time', async () => {
    const { service, upstream, advance } = setup();
    await service.highlights(scopeOf(ACME), { userId: 'lost' });
    upstream.status.delete('r-1');
    advance(3_000);
    expect((await service.highlights(scopeOf(ACME), { userId: 'lost' })).status).toBe('FAILED');
    expect((await service.highlights(scopeOf(ACME), { userId: 'lost' })).requestId).toBe('r-2');
  });

  it('shares one POST among concurrent identical asks', async () => {
    const { service, upstream } = setup();
    upstream.postDelayMs = 20;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => service.highlights(scopeOf(ACME, `req-${i}-abcdef`), { userEmail: 'a@example.com' })),
    );
    expect(new Set(answers.map((a) => a.requestId))).toEqual(new Set(['r-1']));
    expect(upstream.posts).toHaveLength(1);
  });

  it('resolves User.highlights per request: one ask per distinct key, a bounded number at once', async () => {
    const { service, upstream } = setup({ tuning: { userConcurrency: 2 } });
    upstream.postDelayMs = 10;
    const scope = scopeOf(ACME);
    const keys = ['a', 'b', 'c', 'd', 'e', 'a', 'b'].map((userId) => ({
      sourceId: 'lr-web',
      userId,
      from: null,
      to: null,
      question: null,
    }));
    const answers = await Promise.all(keys.map((key) => service.forUser(scope, key)));
    expect(upstream.posts).toHaveLength(5);
    expect(upstream.peak).toBe(2);
    expect(answers[5]!.requestId).toBe(answers[0]!.requestId);
  });

  it('shares a node(id) GET among callers; one going away leaves it running for the others', async () => {
    const { service, upstream } = setup();
    upstream.status.set('r-known', 'READY');
    let open!: () => void;
    upstream.pollGate = new Promise((resolve) => (open = resolve));
    const withSignal = (controller: AbortController) => ({
      ...scopeOf(ACME),
      call: { deadline: Date.now() + 30_000, signal: controller.signal },
    });
    const [leaving, staying] = [new AbortController(), new AbortController()];
    const first = service.byRequestId(withSignal(leaving), 'lr-web', 'r-known');
    const second = service.byRequestId(withSignal(staying), 'lr-web', 'r-known');
    await tick();
    leaving.abort();
    await expect(first).rejects.toBeInstanceOf(RequestCancelled);
    expect(upstream.pollSignals[0]!.aborted).toBe(false);
    open();
    expect(await second).toMatchObject({ requestId: 'r-known', status: 'READY' });
    expect(upstream.polls).toEqual(['r-known']);
  });

  describe('webhook tokens', () => {
    const PUBLIC_URL = 'https://audit.example.com/';
    const hookOf = (upstream: FakeUpstream, index = 0) => (upstream.posts[index] as { webhookURL: string }).webhookURL;
    const tokenOf = (url: string) => url.split('/').pop()!;
    const pushOf = (requestId: string, summary = 'pushed!') => ({
      requestID: requestId,
      status: 'READY',
      result: { highlights: summary, sessions: [] },
    });

    it('are made per request, and grant pushing the result of that request only', async () => {
      const { service, upstream } = setup({ publicUrl: PUBLIC_URL });
      const a = await service.highlights(scopeOf(ACME), { userId: 'a' });
      const b = await service.highlights(scopeOf(ACME), { userId: 'b' });
      const [urlA, urlB] = [hookOf(upstream, 0), hookOf(upstream, 1)];
      expect(urlA).toMatch(
        /^https:\/\/audit\.example\.com\/webhooks\/logrocket\/highlights\/lr-web\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/,
      );
      expect(tokenOf(urlA)).not.toBe(tokenOf(urlB));
      const grantA = service.verifyWebhookToken('lr-web', tokenOf(urlA))!;
      expect(grantA).toMatchObject({ tenant: ACME, sourceId: 'lr-web' });
      expect(await service.receivePush(grantA, pushOf(b.requestId, 'injected'))).toBe('unauthorized');
      expect(await service.highlights(scopeOf(ACME), { userId: 'b' })).toMatchObject({ status: 'PENDING', summary: null });
      expect(await service.receivePush(grantA, pushOf(a.requestId))).toBe('accepted');
      expect(await service.highlights(scopeOf(ACME), { userId: 'a' })).toMatchObject({ status: 'READY', summary: 'pushed!' });
      // A fresh request of the same ask gets a fresh token; the old one does not cover it.
      const again = await service.requestHighlights(scopeOf(ACME), { userId: 'a' });
      expect(await service.receivePush(grantA, pushOf(again.requestId, 'injected'))).toBe('unauthorized');
    });

    it('stop working when the gateway stops waiting for their request', async () => {
      const { service, upstream, advance } = setup({ publicUrl: PUBLIC_URL });
      await service.highlights(scopeOf(ACME), { userId: 'expiring' });
      const token = tokenOf(hookOf(upstream));
      advance(HIGHLIGHTS_DEFAULTS.pendingTtlMs - 1);
      expect(service.verifyWebhookToken('lr-web', token)).not.toBeNull();
      advance(1);
      expect(service.verifyWebhookToken('lr-web', token)).toBeNull();
    });

    it('refuse forgeries, other sources, other secrets, cursors, and tenants that lost the source', async () => {
      let tenants = [ACME, BETA];
      const { service, upstream } = setup({ publicUrl: PUBLIC_URL, tenants: () => tenants });
      await service.highlights(scopeOf(ACME), { userId: 'forged' });
      const token = tokenOf(hookOf(upstream));
      const [kid, body, mac] = token.split('.') as [string, string, string];
      const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      const asBeta = Buffer.from(JSON.stringify({ ...claim, b: claim.b.replace('"acme"', '"beta"') })).toString('base64url');
      for (const forged of ['', token.slice(1), token.slice(0, -1), `${kid}.${asBeta}.${mac}`, `${kid}.${body}`, 'a.b.c', `${token}.x`]) {
        expect(service.verifyWebhookToken('lr-web', forged)).toBeNull();
      }
      expect(service.verifyWebhookToken('lr-mobile', token)).toBeNull();
      expect(setup({ codec: new CursorCodec('another-secret-0123456789-012345') }).service.verifyWebhookToken('lr-web', token)).toBeNull();
      // A cursor signed with the same secret is no token.
      expect(service.verifyWebhookToken('lr-web', new CursorCodec(SECRET).encode({ b: 'aCqw1HZZVoqL3fK2', k: null }))).toBeNull();
      expect(service.verifyWebhookToken('lr-web', token)).not.toBeNull();
      tenants = [{ id: 'acme', sourceIds: new Set(['zendesk']) }, BETA];
      expect(service.verifyWebhookToken('lr-web', token)).toBeNull();
    });

    it('keep working across a cursor-secret rotation, until the old secret is removed', async () => {
      const before = setup({ publicUrl: PUBLIC_URL });
      const asked = await before.service.highlights(scopeOf(ACME), { userId: 'rotated' });
      const token = tokenOf(hookOf(before.upstream));
      const NEW_SECRET = 'the-new-secret-0123456789-0123456789';
      const after = setup({
        publicUrl: PUBLIC_URL,
        cache: before.cache,
        codec: new CursorCodec({ current: NEW_SECRET, previous: [SECRET] }),
      });
      const grant = after.service.verifyWebhookToken('lr-web', token);
      expect(grant).not.toBeNull();
      expect(await after.service.receivePush(grant!, pushOf(asked.requestId))).toBe('accepted');
      expect(setup({ codec: new CursorCodec(NEW_SECRET) }).service.verifyWebhookToken('lr-web', token)).toBeNull();
    });

    it('let a push settle only a request this tenant posted', async () => {
      const { service, upstream } = setup({ publicUrl: PUBLIC_URL });
      const asked = await service.highlights(scopeOf(ACME), { userId: 'pushed' });
      const grant = service.verifyWebhookToken('lr-web', tokenOf(hookOf(upstream)))!;
      const push = pushOf(asked.requestId);
      expect(await service.receivePush({ ...grant, tenant: BETA }, push)).toBe('unknown-request');
      expect(await service.receivePush(grant, { status: 'READY' })).toBe('malformed');
      expect(await service.receivePush(grant, push)).toBe('accepted');
      expect(await service.highlights(scopeOf(ACME), { userId: 'pushed' })).toMatchObject({ status: 'READY', summary: 'pushed!' });
      // A late PENDING never reopens it.
      expect(await service.receivePush(grant, { ...push, status: 'PENDING' })).toBe('accepted');
      expect((await service.highlights(scopeOf(ACME), { userId: 'pushed' })).status).toBe('READY');
    });
  });

  describe('forwards to client webhooks', () => {
    it('posts a pushed result to the waiting client webhook through the injected dispatcher, reported through onAttempt', async () => {
      const agent = new MockAgent();
      agent.disableNetConnect();
      const bodies: unknown[] = [];
      agent
        .get('https://hooks.example.com')
        .intercept({ path: '/lr?x=1', method: 'POST' })
        .reply(204, (options) => {
          bodies.push(JSON.parse(String(options.body)));
          return '';
        });
      const attempts: UpstreamSample[] = [];
      const { service, upstream } = setup({
        publicUrl: 'https://audit.example.com',
        dispatcher: agent,
        onAttempt: (sample) => attempts.push(sample),
      });
      const asked = await service.highlights(scopeOf(ACME), { userId: 'hooked', webhookUrl: 'https://hooks.example.com/lr?x=1' });
      const token = (upstream.posts[0] as { webhookURL: string }).webhookURL.split('/').pop()!;
      const grant = service.verifyWebhookToken('lr-web', token)!;
      const push = { requestID: asked.requestId, status: 'READY', result: { highlights: 'pushed!', sessions: [] } };
      expect(await service.receivePush(grant, push)).toBe('accepted');
      await service.drain();
      expect(bodies).toEqual([{ requestID: asked.requestId, status: 'READY', result: { highlights: 'pushed!', sessions: [] } }]);
      expect(attempts).toEqual([{ sourceId: 'client-webhook', status: 204, ms: expect.any(Number) }]);
      await service.close();
      await agent.close();
    });
  });

  describe('client webhook URLs', () => {
    it.each([
      ['loopback', 'https://localhost/x'],
      ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
      ['credentials', 'https://user:pass@hooks.example.com/x'],
      ['a name resolving to loopback', 'https://hooks.internal/x'],
      ['a name that does not resolve', 'https://nowhere.invalid/x'],
      ['another port', 'https://hooks.example.com:8443/x'],
      ['http', 'http://hooks.example.com/x'],
    ])('refuses %s with BAD_USER_INPUT before anything is posted or stored', async (_name, webhookUrl) => {
      const { service, upstream, cache } = setup({ publicUrl: 'https://audit.example.com' });
      for (const ask of [service.highlights.bind(service), service.requestHighlights.bind(service)]) {
        await expect(ask(scopeOf(ACME), { userId: 'hooked', webhookUrl })).rejects.toMatchObject({
          code: 'BAD_USER_INPUT',
          extensions: { field: 'webhookUrl' },
        });
      }
      expect(upstream.posts).toHaveLength(0);
      expect(cache.entries.size).toBe(0);
    });

    it('hands an accepted one to LogRocket when the gateway has no public URL', async () => {
      const { service, upstream } = setup();
      await service.highlights(scopeOf(ACME), { userId: 'hooked', webhookUrl: 'https://hooks.example.com/lr?x=1' });
      expect(upstream.posts[0]).toMatchObject({ webhookURL: 'https://hooks.example.com/lr?x=1' });
    });
  });
});

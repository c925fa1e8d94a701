import type { LogRocketHighlights } from '../../../src/datasources/logrocket/logrocket-rest.mapper';
import { silentLogger } from '../../../src/logging/logger';
import { HighlightsService, validateWebhookUrl, type HighlightsServiceOptions } from '../../../src/services/highlights.service';
import { fakeClient, fakeSources, memoryCache, scopeOf, tick } from './logrocket-rest-fakes';

const ACME = { id: 'acme', sourceIds: new Set(['lr-web', 'zendesk']) };
const BETA = { id: 'beta', sourceIds: new Set(['lr-web']) };

interface FakeUpstream {
  posts: unknown[];
  polls: string[];
  status: Map<string, LogRocketHighlights['status']>;
  /** Delay of each POST, ms. */
  postDelayMs: number;
  active: number;
  peak: number;
}

function setup(overrides: Partial<HighlightsServiceOptions> = {}) {
  let clock = 1_700_000_000_000;
  const upstream: FakeUpstream = { posts: [], polls: [], status: new Map(), postDelayMs: 0, active: 0, peak: 0 };
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
    async getHighlights(requestId: string) {
      upstream.polls.push(requestId);
      const status = upstream.status.get(requestId);
      if (status === undefined) return null;
      return status === 'READY'
        ? { requestId, status, summary: 'done', sessions: [{ recordingId: 'rec', sessionId: 1, summary: 's', url: 'u' }] }
        : { requestId, status, summary: null, sessions: [] };
    },
  });
  const now = () => clock;
  const service = new HighlightsService({
    sources: fakeSources([client]),
    cache: memoryCache(now),
    logger: silentLogger(),
    tenants: () => [ACME, BETA],
    secret: 'test-secret-0123456789-0123456789',
    demo: false,
    now,
    ...overrides,
  });
  return {
    service,
    upstream,
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
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => service.highlights(scopeOf(ACME, `req-${i}-abcdef`), { userEmail: 'a@example.com' })));
    expect(new Set(answers.map((a) => a.requestId))).toEqual(new Set(['r-1']));
    expect(upstream.posts).toHaveLength(1);
  });

  it('resolves User.highlights per request: one ask per distinct key, a bounded number at once', async () => {
    const { service, upstream } = setup({ tuning: { userConcurrency: 2 } });
    upstream.postDelayMs = 10;
    const scope = scopeOf(ACME);
    const keys = ['a', 'b', 'c', 'd', 'e', 'a', 'b'].map((userId) => ({ sourceId: 'lr-web', userId, from: null, to: null, question: null }));
    const answers = await Promise.all(keys.map((key) => service.forUser(scope, key)));
    expect(upstream.posts).toHaveLength(5);
    expect(upstream.peak).toBe(2);
    expect(answers[5]!.requestId).toBe(answers[0]!.requestId);
  });

  describe('webhook tokens', () => {
    it('name the tenant and source they were made for, and nothing else', () => {
      const { service } = setup({ publicUrl: 'https://audit.example.com/' });
      const token = service.webhookToken('acme', 'lr-web');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(service.webhookUrl('acme', 'lr-web')).toBe(`https://audit.example.com/webhooks/logrocket/highlights/lr-web/${token}`);
      expect(service.tenantOfToken('lr-web', token)).toBe(ACME);
      expect(service.tenantOfToken('lr-web', service.webhookToken('beta', 'lr-web'))).toBe(BETA);
      expect(service.tenantOfToken('lr-mobile', token)).toBeNull();
      expect(service.tenantOfToken('lr-web', token.slice(1))).toBeNull();
      expect(service.tenantOfToken('lr-web', '')).toBeNull();
      // A token of a source the tenant may no longer read is refused.
      expect(service.tenantOfToken('lr-web', service.webhookToken('gamma', 'lr-web'))).toBeNull();
    });

    it('differ with the secret', () => {
      const a = setup().service.webhookToken('acme', 'lr-web');
      const b = setup({ secret: 'another-secret-0123456789-012345' }).service.webhookToken('acme', 'lr-web');
      expect(a).not.toBe(b);
    });

    it('let a push settle only a request this tenant posted', async () => {
      const { service } = setup();
      const asked = await service.highlights(scopeOf(ACME), { userId: 'pushed' });
      const push = { requestID: asked.requestId, status: 'READY', result: { highlights: 'pushed!', sessions: [] } };
      expect(await service.receivePush(BETA, 'lr-web', push)).toBe('unknown-request');
      expect(await service.receivePush(ACME, 'lr-web', { status: 'READY' })).toBe('malformed');
      expect(await service.receivePush(ACME, 'lr-web', push)).toBe('accepted');
      expect(await service.highlights(scopeOf(ACME), { userId: 'pushed' })).toMatchObject({ status: 'READY', summary: 'pushed!' });
      // A late PENDING never reopens it.
      expect(await service.receivePush(ACME, 'lr-web', { ...push, status: 'PENDING' })).toBe('accepted');
      expect((await service.highlights(scopeOf(ACME), { userId: 'pushed' })).status).toBe('READY');
    });
  });
});

describe('validateWebhookUrl', () => {
  it.each([
    ['https://hooks.example.com/x', false, true],
    ['http://hooks.example.com/x', false, false],
    ['http://127.0.0.1:8080/x', false, false],
    ['http://127.0.0.1:8080/x', true, true],
    ['http://127.1.2.3/x', true, true],
    ['http://localhost:3000/x', true, true],
    ['http://[::1]:3000/x', true, true],
    ['http://10.0.0.1/x', true, false],
    ['http://127.0.0.1.example.com/x', true, false],
    ['ftp://example.com/x', true, false],
    ['javascript:alert(1)', true, false],
  ])('%s (demo %s) → accepted %s', (url, demo, ok) => {
    if (ok) expect(validateWebhookUrl(url, demo)).toBe(new URL(url).toString());
    else expect(() => validateWebhookUrl(url, demo)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('refuses URLs over 2048 characters', () => {
    expect(() => validateWebhookUrl(`https://example.com/${'x'.repeat(2100)}`, false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

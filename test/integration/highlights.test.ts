import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeGlobalId } from '../../src/domain/global-id';
import type { HostResolver } from '../../src/services/webhook-url-policy';
import { eventually, REST_KEYS, restRequests, startRestHarness, type RestHarness } from '../support/logrocket-rest-harness';

const ASK = `query H($input: HighlightsInput!) {
  highlights(input: $input) { id requestId status summary sessions { recordingId sessionId summary url } }
}`;
const REQUEST = `mutation R($input: HighlightsInput!) { requestHighlights(input: $input) { requestId status } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DNS of these tests: *.example.com is public, anything else does not exist (no network). */
const webhookResolver: HostResolver = async (host) => {
  if (host.endsWith('.example.com')) return [{ address: '93.184.215.14', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

function posts(h: RestHarness) {
  return restRequests(h.web, '/highlights/', 'POST');
}
function polls(h: RestHarness) {
  return restRequests(h.web, '/highlights/', 'GET');
}

describe('highlights: one request per input, polled sparingly, cached when READY', () => {
  let h: RestHarness;
  // The gateway's clock runs ahead of the real one by `skewMs`: poll intervals and TTLs are
  // crossed by moving it, while LogRocket's (real) delay is waited for.
  let skewMs = 0;
  const POLL_MS = 5_000;
  const pastPollInterval = async () => {
    await sleep(120);
    skewMs += POLL_MS;
  };
  beforeAll(async () => {
    h = await startRestHarness({
      sim: { highlightDelayMs: 100 },
      gateway: { highlights: { pollIntervalMs: POLL_MS }, now: () => Date.now() + skewMs, webhookResolver },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.web.resetRequests();
    h.web.clearFaults();
  });

  it('posts once for repeated and concurrent identical asks, and serves READY from the cache', async () => {
    const input = {
      userEmail: 'jane@example.com',
      from: '2024-01-01T00:00:00Z',
      to: '2024-01-31T00:00:00Z',
      question: 'Why did checkout fail?',
    };
    const first = await h.gql(ASK, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.highlights).toMatchObject({ status: 'PENDING', summary: null, sessions: [] });
    const { requestId } = first.data!.highlights;
    expect(first.data!.highlights.id).toBe(encodeGlobalId({ type: 'Highlights', sourceId: 'lr-web', requestId }));
    expect(posts(h)).toHaveLength(1);
    expect(JSON.parse(posts(h)[0]!.body!)).toEqual({
      userEmail: 'jane@example.com',
      question: 'Why did checkout fail?',
      timeRange: { startMs: Date.parse('2024-01-01T00:00:00Z'), endMs: Date.parse('2024-01-31T00:00:00Z') },
    });

    // Twenty clients at once, within the poll interval: no POST, no GET.
    const burst = await Promise.all(Array.from({ length: 20 }, () => h.gql(ASK, { input })));
    expect(burst.every((r) => r.data!.highlights.requestId === requestId && r.data!.highlights.status === 'PENDING')).toBe(true);
    expect(posts(h)).toHaveLength(1);
    expect(polls(h)).toHaveLength(0);

    // Past the interval (and LogRocket's delay), twenty clients at once cause one GET.
    await pastPollInterval();
    const ready = await Promise.all(Array.from({ length: 20 }, () => h.gql(ASK, { input })));
    expect(polls(h)).toHaveLength(1);
    expect(polls(h)[0]!.query.get('id')).toBe(requestId);
    for (const r of ready) expect(r.data!.highlights.status).toBe('READY');
    const result = ready[0]!.data!.highlights;
    expect(result.summary).toContain('jane@example.com');
    expect(result.sessions).toHaveLength(2);
    const [session] = result.sessions;
    expect(session.sessionId).toBe(0);
    expect(session.url).toBe(`https://app.logrocket.com/demo-org/web/s/${session.recordingId}/0`);

    // READY is served from the cache: no upstream call at all.
    h.web.resetRequests();
    await pastPollInterval();
    const cached = await h.gql(ASK, { input });
    expect(cached.data!.highlights).toEqual(result);
    expect(h.web.requests).toHaveLength(0);
  });

  it('posts anew once a READY result is older than its TTL (one hour)', async () => {
    const input = { userId: 'ttl-user' };
    await h.gql(ASK, { input });
    await pastPollInterval();
    const ready = await h.gql(ASK, { input });
    expect(ready.data!.highlights.status).toBe('READY');
    skewMs += 59 * 60_000;
    expect((await h.gql(ASK, { input })).data!.highlights.requestId).toBe(ready.data!.highlights.requestId);
    skewMs += 2 * 60_000;
    const renewed = await h.gql(ASK, { input });
    expect(renewed.data!.highlights.status).toBe('PENDING');
    expect(renewed.data!.highlights.requestId).not.toBe(ready.data!.highlights.requestId);
    expect(posts(h)).toHaveLength(2);
  });

  it('treats different users, ranges and questions as different requests', async () => {
    await h.gql(ASK, { input: { userId: 'distinct' } });
    await h.gql(ASK, { input: { userId: 'distinct', question: 'q' } });
    await h.gql(ASK, { input: { userId: 'distinct', from: '2024-01-01T00:00:00Z' } });
    await h.gql(ASK, { input: { userEmail: 'distinct@example.com' } });
    await h.gql(ASK, { input: { userId: 'distinct' } });
    expect(posts(h)).toHaveLength(4);
  });

  it('posts a FAILED request again on the next ask', async () => {
    const input = { userId: 'fail-user' };
    const first = await h.gql(ASK, { input });
    await pastPollInterval();
    const failed = await h.gql(ASK, { input });
    expect(failed.data!.highlights).toMatchObject({ requestId: first.data!.highlights.requestId, status: 'FAILED', sessions: [] });
    const retried = await h.gql(ASK, { input });
    expect(retried.data!.highlights.status).toBe('PENDING');
    expect(retried.data!.highlights.requestId).not.toBe(first.data!.highlights.requestId);
    expect(posts(h)).toHaveLength(2);
  });

  it('requestHighlights always posts, and later asks reuse its request', async () => {
    const input = { userId: 'fresh-user' };
    const a = await h.gql(REQUEST, { input });
    const b = await h.gql(REQUEST, { input });
    expect(a.data!.requestHighlights.requestId).not.toBe(b.data!.requestHighlights.requestId);
    const ask = await h.gql(ASK, { input });
    expect(ask.data!.highlights.requestId).toBe(b.data!.requestHighlights.requestId);
    expect(posts(h)).toHaveLength(2);
  });

  it('never retries the POST', async () => {
    h.web.injectFault({ status: 503, pathIncludes: '/highlights/', times: 1 });
    const response = await h.gql(ASK, { input: { userId: 'no-retry' } });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'lr-web' });
    expect(posts(h)).toHaveLength(1);
    const again = await h.gql(ASK, { input: { userId: 'no-retry' } });
    expect(again.data!.highlights.status).toBe('PENDING');
  });

  it.each([
    ['neither userEmail nor userId', {}, 'userId'],
    ['both userEmail and userId', { userEmail: 'a@example.com', userId: 'a' }, 'userEmail'],
    ['a userEmail that is not one', { userEmail: 'nope' }, 'userEmail'],
    ['`to` before `from`', { userId: 'a', from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }, 'to'],
    ['a question over 2000 characters', { userId: 'a', question: 'q'.repeat(2001) }, 'question'],
    ['an http webhook outside demo mode', { userId: 'a', webhookUrl: 'http://127.0.0.1:9/hook' }, 'webhookUrl'],
    ['a webhook that is no URL', { userId: 'a', webhookUrl: 'hook' }, 'webhookUrl'],
    ['a webhook on loopback', { userId: 'a', webhookUrl: 'https://localhost/hook' }, 'webhookUrl'],
    ['a webhook on a private address', { userId: 'a', webhookUrl: 'https://10.1.2.3/hook' }, 'webhookUrl'],
    ['a webhook with credentials', { userId: 'a', webhookUrl: 'https://user:pass@hooks.example.com/hook' }, 'webhookUrl'],
    ['a webhook on another port', { userId: 'a', webhookUrl: 'https://hooks.example.com:8443/hook' }, 'webhookUrl'],
    ['a webhook whose host does not resolve', { userId: 'a', webhookUrl: 'https://hooks.invalid/hook' }, 'webhookUrl'],
    ['an unknown source', { userId: 'a', source: 'lr-nope' }, 'source'],
  ])('answers BAD_USER_INPUT for %s without calling LogRocket', async (_name, input, field) => {
    for (const query of [ASK, REQUEST]) {
      const response = await h.gql(query, { input });
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(h.web.requests).toHaveLength(0);
  });

  it('passes an https client webhook on to LogRocket when the gateway has no public URL', async () => {
    await h.gql(ASK, { input: { userId: 'hooked', webhookUrl: 'https://hooks.example.com/lr?x=1' } });
    expect(JSON.parse(posts(h)[0]!.body!).webhookURL).toBe('https://hooks.example.com/lr?x=1');
  });

  it('resolves User.highlights for many users in one query: one POST per distinct user', async () => {
    const users = ['batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5', 'batch-6'];
    const upserted = await h.gql('mutation M($inputs: [UpsertUserInput!]!) { upsertUsers(inputs: $inputs) { user { id } } }', {
      inputs: users.map((userId) => ({ userId })),
    });
    const ids: string[] = upserted.data!.upsertUsers.map((r: any) => r.user.id);
    h.web.resetRequests();
    const response = await h.gql(
      `query N($ids: [ID!]!) {
        nodes(ids: $ids) { ... on User { userId highlights { requestId status } again: highlights { requestId } } }
      }`,
      { ids: [...ids, ids[0], ids[1]] },
    );
    expect(response.errors).toBeUndefined();
    expect(posts(h)).toHaveLength(users.length);
    const bodies = posts(h)
      .map((p) => JSON.parse(p.body!).userID)
      .sort();
    expect(bodies).toEqual(users);
    for (const node of response.data!.nodes) {
      expect(node.highlights.status).toBe('PENDING');
      expect(node.again.requestId).toBe(node.highlights.requestId);
    }
    // The next query reuses every one of them.
    await h.gql('query N($ids: [ID!]!) { nodes(ids: $ids) { ... on User { highlights { requestId } } } }', { ids });
    expect(posts(h)).toHaveLength(users.length);
  });

  it('finds a request by its global id; null for tenants without the source and for unknown ids', async () => {
    const asked = await h.gql(ASK, { input: { userId: 'node-hl' } });
    const NODE = 'query N($id: ID!) { node(id: $id) { ... on Highlights { requestId status } } }';
    const found = await h.gql(NODE, { id: asked.data!.highlights.id });
    expect(found.data!.node).toEqual({ requestId: asked.data!.highlights.requestId, status: 'PENDING' });
    expect((await h.gql(NODE, { id: asked.data!.highlights.id }, REST_KEYS.none)).data!.node).toBeNull();
    const unknown = encodeGlobalId({ type: 'Highlights', sourceId: 'lr-web', requestId: 'no-such-request' });
    expect((await h.gql(NODE, { id: unknown })).data!.node).toBeNull();
  });

  it('keeps tenants apart: the same input of another tenant is another request', async () => {
    await h.gql(ASK, { input: { userId: 'shared-user' } });
    await h.gql(ASK, { input: { userId: 'shared-user' } }, REST_KEYS.other);
    expect(posts(h)).toHaveLength(2);
  });
});

describe('highlights in the seed-003 shape (COMPLETE, sessionId strings, full POST answer)', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness({ sim: { highlightDelayMs: 50, restShape: 'seed' }, gateway: { highlights: { pollIntervalMs: 100 } } });
  });
  afterAll(() => h.close());

  it('takes COMPLETE as READY and reads string session ids', async () => {
    const first = await h.gql(ASK, { input: { userId: 'seed-user' } });
    expect(first.data!.highlights.status).toBe('PENDING');
    await sleep(150);
    const done = await h.gql(ASK, { input: { userId: 'seed-user' } });
    expect(done.errors).toBeUndefined();
    expect(done.data!.highlights.status).toBe('READY');
    const [session] = done.data!.highlights.sessions;
    expect(session.recordingId).toMatch(/^6-/);
    expect(session.sessionId).toBe(0);
    expect(session.url).toBe(`https://app.logrocket.com/demo-org/web/s/${session.recordingId}/0`);
  });
});

describe('highlights webhook', () => {
  let h: RestHarness;
  beforeAll(async () => {
    // Polling is made slow so that only a push can settle a request within the test.
    // Generation takes LogRocket 1–3 minutes; 500 ms keeps the push after the gateway has saved the request even on a loaded CI machine.
    h = await startRestHarness({ publicUrl: true, sim: { highlightDelayMs: 500 }, gateway: { highlights: { pollIntervalMs: 60_000 } } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.web.resetRequests());

  it("hands LogRocket the gateway's own webhook; a push marks the request READY at once", async () => {
    const input = { userId: 'pushed-user' };
    const first = await h.gql(ASK, { input });
    const webhookURL: string = JSON.parse(posts(h)[0]!.body!).webhookURL;
    expect(webhookURL).toMatch(
      new RegExp(`^${h.origin}/webhooks/logrocket/highlights/lr-web/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}$`),
    );
    await eventually(() => h.web.webhookPushes.some((p) => p.requestID === first.data!.highlights.requestId && p.status === 204));
    const ready = await h.gql(ASK, { input });
    expect(ready.data!.highlights.status).toBe('READY');
    expect(ready.data!.highlights.sessions).toHaveLength(2);
    expect(polls(h)).toHaveLength(0);
  });

  it('rejects a wrong token with 401 and changes nothing', async () => {
    const input = { userId: 'forged-user' };
    h.web.setHighlightDelayMs(60_000);
    const first = await h.gql(ASK, { input });
    h.web.setHighlightDelayMs(100);
    const { requestId } = first.data!.highlights;
    const webhookURL: string = JSON.parse(posts(h)[0]!.body!).webhookURL;
    const forged = { requestID: requestId, status: 'READY', result: { highlights: 'forged', sessions: [] } };
    const token = webhookURL.split('/').pop()!;
    const base = webhookURL.slice(0, -token.length);
    const [kid, body] = token.split('.');
    const wrongTokens = [
      base + 'A'.repeat(token.length),
      base + token.slice(0, -1),
      `${base}${kid}.${body}.${'A'.repeat(22)}`,
      webhookURL.replace('/lr-web/', '/lr-mobile/'),
      webhookURL.replace('/lr-web/', '/lr-nope/'),
    ];
    for (const url of wrongTokens) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(token);
    }
    const after = await h.gql(ASK, { input });
    expect(after.data!.highlights).toMatchObject({ requestId, status: 'PENDING', summary: null });

    // With the right token but an id it never posted, the gateway changes nothing either.
    const unknown = await fetch(webhookURL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...forged, requestID: 'not-ours' }),
    });
    expect(unknown.status).toBe(404);
    const get = await fetch(webhookURL);
    expect(get.status).toBe(405);
  });

  it('gives each tenant its own token', async () => {
    await h.gql(ASK, { input: { userId: 'token-a' } });
    await h.gql(ASK, { input: { userId: 'token-b' } }, REST_KEYS.other);
    const [a, b] = posts(h).map((p) => JSON.parse(p.body!).webhookURL as string);
    expect(a).not.toBe(b);
  });
});

describe('client webhooks in demo mode', () => {
  let h: RestHarness;
  let receiver: Server;
  let receiverUrl: string;
  const received: any[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push({ path: req.url, body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    h = await startRestHarness({
      demo: true,
      publicUrl: true,
      sim: { highlightDelayMs: 500 },
      gateway: { highlights: { pollIntervalMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await h.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('accepts http on loopback, and forwards the pushed result to every client webhook of the request', async () => {
    const input = { userId: 'forward-user' };
    const first = await h.gql(ASK, { input: { ...input, webhookUrl: `${receiverUrl}/one` } }, null);
    expect(first.errors).toBeUndefined();
    await h.gql(ASK, { input: { ...input, webhookUrl: `${receiverUrl}/two` } }, null);
    expect(posts(h)).toHaveLength(1);
    expect(JSON.parse(posts(h)[0]!.body!).webhookURL).toContain('/webhooks/logrocket/highlights/lr-web/');
    await eventually(() => received.length === 2);
    expect(received.map((r) => r.path).sort()).toEqual(['/one', '/two']);
    for (const { body } of received) {
      expect(body).toMatchObject({ requestID: first.data!.highlights.requestId, status: 'READY' });
      expect(body.result.sessions).toHaveLength(2);
    }
  });

  it('still refuses http webhooks off loopback, and private addresses whatever the scheme', async () => {
    for (const webhookUrl of ['http://example.com/hook', 'https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data/']) {
      const response = await h.gql(ASK, { input: { userId: 'x', webhookUrl } }, null);
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'webhookUrl' });
    }
  });
});

describe('the LogRocket simulator highlights endpoint', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness({ sim: { highlightDelayMs: 30 } });
  });
  afterAll(() => h.close());

  const url = () => `${h.web.baseUrl}/v1/orgs/demo-org/apps/web/highlights/`;
  const post = (body: unknown) =>
    fetch(url(), {
      method: 'POST',
      headers: { authorization: `token ${h.web.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (id: string) => fetch(`${url()}?id=${encodeURIComponent(id)}`, { headers: { authorization: `token ${h.web.apiKey}` } });

  it('goes PENDING → READY after the delay, and answers 400 without exactly one user and 404 for unknown ids', async () => {
    expect((await post({ userEmail: 'a@example.com', userID: 'a' })).status).toBe(400);
    expect((await post({ question: 'q' })).status).toBe(400);
    const { id } = (await (await post({ userID: 'sim' })).json()) as { id: string };
    expect(((await (await get(id)).json()) as any).status).toBe('PENDING');
    await sleep(60);
    const done = (await (await get(id)).json()) as any;
    expect(done).toMatchObject({ requestID: id, appID: 'web', status: 'READY' });
    expect(done.result.sessions[0]).toMatchObject({ sessionID: 0, recordingID: expect.stringMatching(/^6-/) });
    expect((await get('nope')).status).toBe(404);
    expect(h.web.highlightPosts).toBe(3);
  });
});

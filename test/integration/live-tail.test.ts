/**
 * Issue 14, live tail: `auditEventAdded` over graphql-ws against the four simulators and a real
 * gateway, with fast polls. Events are inserted into the simulators while clients listen.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { startAllSimulators, type AllSimulators } from '../../src/simulators/index';
import { silentLogger } from '../../src/logging/logger';

const SUBSCRIPTION = `subscription Tail($sources: [String!], $filter: AuditEventFilter, $after: String) {
  auditEventAdded(sources: $sources, filter: $filter, after: $after) {
    cursor
    node { id nativeId occurredAt action source { name } }
  }
}`;

interface Edge {
  cursor: string;
  node: { id: string; nativeId: string; occurredAt: string; action: string; source: { name: string } };
}

interface Received {
  edges: Edge[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  done: Promise<void>;
  stop(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('live tail: auditEventAdded over graphql-ws', () => {
  let h: Harness;
  let wsUrl: string;
  const clients: Client[] = [];

  const connect = (key: string | null = KEYS.acme): Client => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };

  /** Subscribes and collects what arrives; resolves once the gateway has taken the subscription (its poller primed). */
  async function listen(client: Client, variables: Record<string, unknown>): Promise<Received> {
    const received: Received = { edges: [], errors: [], done: Promise.resolve(), stop: () => undefined };
    const pollers = h.gateway.liveTail.subscriptionCount;
    received.done = new Promise<void>((resolve) => {
      received.stop = client.subscribe<{ auditEventAdded: Edge }>(
        { query: SUBSCRIPTION, variables },
        {
          next: (result) => {
            if (result.data?.auditEventAdded) received.edges.push(result.data.auditEventAdded);
            if (result.errors) received.errors.push(...(result.errors as Received['errors']));
          },
          error: (error) => {
            received.errors.push(...(Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }]));
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
    await eventually(() => h.gateway.liveTail.subscriptionCount > pollers || received.errors.length > 0);
    // The first poll marks where "new" begins.
    await sleep(250);
    return received;
  }

  beforeAll(async () => {
    h = await startHarness({ count: 200, live: { pollIntervalMs: 250, mergeHoldMs: 500 } });
    wsUrl = h.url.replace(/^http/, 'ws');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await eventually(() => h.gateway.liveTail.subscriptionCount === 0 && h.gateway.liveTail.pollerCount === 0);
    for (const sim of [h.sims.zendesk, h.sims.nirvana, h.sims.losant, h.sims.logrocket]) sim.clearFaults();
  });
  afterAll(() => h.close());

  it('closes a connection without a valid key with 4403 before any subscription starts', async () => {
    for (const key of [null, 'not-a-key']) {
      const code = await new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
        socket.on('open', () =>
          socket.send(JSON.stringify({ type: 'connection_init', payload: key ? { authorization: `Bearer ${key}` } : {} })),
        );
        socket.on('close', (closeCode) => resolve(closeCode));
      });
      expect(code).toBe(4403);
    }
    expect(h.gateway.liveTail.pollerCount).toBe(0);
  });

  it('delivers each new event once, oldest first, and none of those that existed before', async () => {
    const tail = await listen(connect(), { sources: ['zendesk'] });
    const inserted = [...h.sims.zendesk.insert(2), ...h.sims.zendesk.insert(1)];
    await eventually(() => tail.edges.length >= 3);
    await sleep(400);
    expect(tail.errors).toEqual([]);
    expect(tail.edges.map((e) => e.node.nativeId).sort()).toEqual(inserted.map((r) => String((r as { id: unknown }).id)).sort());
    const keys = tail.edges.map((e) => `${e.node.occurredAt}|${e.node.nativeId.padStart(20, '0')}`);
    expect([...keys].sort()).toEqual(keys);
    expect(tail.edges.every((e) => e.node.source.name === 'zendesk')).toBe(true);
  });

  it('merges sources: every event of each source once, in time order within each source', async () => {
    const tail = await listen(connect(), { sources: ['zendesk', 'nirvana', 'losant'] });
    h.sims.zendesk.insert(2);
    h.sims.nirvana.insert(2);
    await sleep(120);
    h.sims.losant.insert(1);
    h.sims.nirvana.insert(1);
    await eventually(() => tail.edges.length >= 6);
    await sleep(400);
    expect(tail.edges).toHaveLength(6);
    expect(new Set(tail.edges.map((e) => e.node.id)).size).toBe(6);
    for (const source of ['zendesk', 'nirvana', 'losant']) {
      const instants = tail.edges.filter((e) => e.node.source.name === source).map((e) => Date.parse(e.node.occurredAt));
      expect([...instants].sort((a, b) => a - b)).toEqual(instants);
    }
    // Polled at different moments, the sources still come out in time order: each poll is
    // 100 ms apart, well within the 500 ms merge hold.
    const instants = tail.edges.map((e) => Date.parse(e.node.occurredAt));
    expect([...instants].sort((a, b) => a - b)).toEqual(instants);

    // A source that reports an earlier event after another source's later one, within the hold,
    // still comes first.
    const [later] = h.sims.zendesk.insert(1);
    await sleep(150);
    const [earlier] = h.sims.losant.insert(1, { at: new Date(Date.now() - 2_000) });
    await eventually(() => tail.edges.length >= 8);
    expect(tail.edges.slice(6).map((e) => e.node.nativeId)).toEqual([
      (earlier as { id: string }).id,
      String((later as { id: unknown }).id),
    ]);
  });

  it('resumes after a disconnect: replays what was missed exactly once, then goes live', async () => {
    const first = await listen(connect(), { sources: ['zendesk', 'nirvana'] });
    h.sims.zendesk.insert(1);
    h.sims.nirvana.insert(1);
    await eventually(() => first.edges.length >= 2);
    const lastCursor = first.edges[first.edges.length - 1]!.cursor;
    const seen = new Set(first.edges.map((e) => e.node.id));
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await eventually(() => h.gateway.liveTail.pollerCount === 0);

    const missed = [...h.sims.zendesk.insert(2), ...h.sims.nirvana.insert(1)];
    const resumed = await listen(connect(), { sources: ['zendesk', 'nirvana'], after: lastCursor });
    await eventually(() => resumed.edges.length >= 3);
    h.sims.zendesk.insert(1);
    await eventually(() => resumed.edges.length >= 4);
    await sleep(400);
    expect(resumed.errors).toEqual([]);
    expect(resumed.edges).toHaveLength(4);
    expect(resumed.edges.filter((e) => seen.has(e.node.id))).toEqual([]);
    expect(new Set(resumed.edges.map((e) => e.node.id)).size).toBe(4);
    expect(
      resumed.edges
        .slice(0, 3)
        .map((e) => e.node.nativeId)
        .sort(),
    ).toEqual(missed.map((r) => String((r as { id: unknown }).id)).sort());

    // An edge cursor also continues an auditEvents query, oldest first: nothing comes after the last.
    const after = await h.gql(
      `query($after: String) { auditEvents(sources: ["zendesk", "nirvana"], order: OLDEST_FIRST, first: 10, after: $after) { edges { node { id } } } }`,
      { after: resumed.edges[resumed.edges.length - 1]!.cursor },
    );
    expect(after.errors).toBeUndefined();
    expect(after.data!.auditEvents.edges).toEqual([]);
  });

  it("takes a newest-first page's startCursor: what is newer than the top of a client's list", async () => {
    const top = await h.gql(`{ auditEvents(sources: ["zendesk"], first: 3) { pageInfo { startCursor } } }`);
    const added = h.sims.zendesk.insert(2);
    const tail = await listen(connect(), { sources: ['zendesk'], after: top.data!.auditEvents.pageInfo.startCursor });
    await eventually(() => tail.edges.length >= 2);
    await sleep(300);
    expect(tail.errors).toEqual([]);
    expect(tail.edges.map((e) => e.node.nativeId).sort()).toEqual(added.map((r) => String((r as { id: unknown }).id)).sort());
  });

  it('polls once per source and filter however many subscribe', async () => {
    const count = async (subscribers: number): Promise<number> => {
      const client = connect();
      await Promise.all(Array.from({ length: subscribers }, () => listen(client, { sources: ['nirvana'] })));
      const before = h.upstream.get('nirvana') ?? 0;
      await sleep(1_000);
      const calls = (h.upstream.get('nirvana') ?? 0) - before;
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await eventually(() => h.gateway.liveTail.pollerCount === 0);
      return calls;
    };
    const one = await count(1);
    const twenty = await count(20);
    expect(one).toBeGreaterThan(2);
    expect(twenty).toBeLessThanOrEqual(one + 3);
  });

  it('shares a poller between filters that differ only in what the gateway applies; each gets only its matches', async () => {
    const client = connect();
    // Zendesk is not asked to filter actor types (every Zendesk actor is a USER): the gateway does.
    const users = await listen(client, { sources: ['zendesk'], filter: { actorTypes: ['USER'] } });
    const systems = await listen(client, { sources: ['zendesk'], filter: { actorTypes: ['SYSTEM'] } });
    expect(h.gateway.liveTail.pollerCount).toBe(1);
    // An action filter is Zendesk's own: another native query, another poller.
    await listen(client, { sources: ['zendesk'], filter: { actions: ['login'] } });
    expect(h.gateway.liveTail.pollerCount).toBe(2);
    const added = h.sims.zendesk.insert(2).map((r) => String((r as { id: unknown }).id));
    await eventually(() => users.edges.length >= 2);
    await sleep(400);
    expect(users.edges.map((e) => e.node.nativeId).sort()).toEqual(added.sort());
    expect(systems.edges).toEqual([]);
    expect([...users.errors, ...systems.errors]).toEqual([]);
  });

  it('tells subscribers of a failing source, names it, and keeps them subscribed until it recovers', async () => {
    const tail = await listen(connect(), { sources: ['nirvana'] });
    h.sims.nirvana.injectFault({ status: 503 });
    await eventually(() => tail.errors.length > 0);
    expect(tail.errors[0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'nirvana' });
    h.sims.nirvana.clearFaults();
    const [added] = h.sims.nirvana.insert(1);
    await eventually(() => tail.edges.length > 0, 8_000);
    expect(tail.edges.map((e) => e.node.nativeId)).toEqual([String((added as { id: unknown }).id)]);
    expect(tail.errors).toHaveLength(1);
  });

  it('refuses what it must before starting: unknown or ungranted sources, bad cursors, queries', async () => {
    const beta = connect(KEYS.beta);
    const ungranted = await listen(beta, { sources: ['nirvana'] });
    await ungranted.done;
    expect(ungranted.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(ungranted.errors[0]!.message).toContain('nirvana');

    const badCursor = await listen(connect(), { sources: ['zendesk'], after: 'not-a-cursor' });
    await badCursor.done;
    expect(badCursor.errors[0]).toMatchObject({ extensions: { code: 'INVALID_CURSOR' } });

    const client = connect();
    const errors = await new Promise<unknown[]>((resolve) => {
      client.subscribe(
        { query: '{ sources { name } }' },
        { next: () => undefined, error: (e) => resolve(e as unknown[]), complete: () => resolve([]) },
      );
    });
    expect(errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });

    // With introspection off, a misspelt field is refused without suggesting the real names.
    const misspelt = await new Promise<{ message: string; extensions?: Record<string, unknown> }[]>((resolve) => {
      client.subscribe(
        { query: 'subscription { auditEventAdde { cursor } }' },
        { next: () => undefined, error: (e) => resolve(e as never), complete: () => resolve([]) },
      );
    });
    expect(misspelt[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(misspelt[0]!.message).toContain('auditEventAdde');
    expect(misspelt[0]!.message).not.toContain('Did you mean');
    expect(h.gateway.liveTail.pollerCount).toBe(0);
  });

  it('answers a subscription sent over HTTP with 400 and where it runs instead', async () => {
    const response = await h.gql(SUBSCRIPTION, { sources: ['zendesk'] });
    expect(response.status).toBe(400);
    expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(response.errors![0]!.message).toContain('WebSocket');
    expect(h.gateway.liveTail.pollerCount).toBe(0);
  });

  it('caps subscriptions per connection', async () => {
    const client = connect();
    const open = await Promise.all(Array.from({ length: 25 }, () => listen(client, { sources: ['zendesk'] })));
    expect(open.every((r) => r.errors.length === 0)).toBe(true);
    const extra = await listen(client, { sources: ['zendesk'] });
    await extra.done;
    expect(extra.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('leaves no poller, subscription or timer behind when 200 sockets vanish without complete', async () => {
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 200; i += 1) {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEYS.acme}` } })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type !== 'connection_ack') return;
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: SUBSCRIPTION, variables: { sources: [i % 2 ? 'zendesk' : 'losant'] } },
          }),
        );
      });
    }
    await eventually(() => h.gateway.liveTail.subscriptionCount === 200, 10_000);
    expect(h.gateway.liveTail.pollerCount).toBe(2);
    for (const socket of sockets) socket.terminate();
    await eventually(() => h.gateway.liveTail.subscriptionCount === 0 && h.gateway.liveTail.pollerCount === 0, 10_000);
    // No poll runs any more: the upstream count stands still.
    const before = (h.upstream.get('zendesk') ?? 0) + (h.upstream.get('losant') ?? 0);
    await sleep(400);
    expect((h.upstream.get('zendesk') ?? 0) + (h.upstream.get('losant') ?? 0)).toBe(before);
  });
});

describe('live tail: two instances on one Redis', () => {
  let redis: TestRedis | null = null;
  let a: Harness;
  let b: Harness;
  let sims: AllSimulators | undefined;
  const closed = new Set<Harness>();
  const clients: Client[] = [];

  const subscribe = (harness: Harness, sources: string[]) => {
    const edges: Edge[] = [];
    const errors: unknown[] = [];
    const client = createClient({
      url: harness.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.acme}` },
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe<{ auditEventAdded: Edge }>(
      { query: SUBSCRIPTION, variables: { sources } },
      {
        next: (result) => {
          if (result.data) edges.push(result.data.auditEventAdded);
          if (result.errors) errors.push(...result.errors);
        },
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    return { edges, errors, client };
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    if (!redis) return;
    sims = await startAllSimulators({ seed: 7, count: 100, zendeskRateLimitPerMinute: 1_000_000 });
    const options = { sims, cacheUrl: redis.url, live: { pollIntervalMs: 250 } };
    a = await startHarness(options);
    b = await startHarness(options);
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    for (const harness of [a, b]) if (harness && !closed.has(harness)) await harness.close();
    await sims?.close();
    await redis?.stop();
  });

  it('poll each head once between them, deliver every event to both, and hand the head over when the polling one stops', async () => {
    if (!redis) return;
    const single = () => (a.upstream.get('nirvana') ?? 0) + (b.upstream.get('nirvana') ?? 0);
    const onA = subscribe(a, ['nirvana']);
    const onB = subscribe(b, ['nirvana']);
    await eventually(() => a.gateway.liveTail.pollerCount === 1 && b.gateway.liveTail.pollerCount === 1);
    await sleep(500);
    const before = single();
    await sleep(1_000);
    const calls = single() - before;
    // One instance polls every 100 ms (plus the poll time): about ten calls a second, not twenty.
    expect(calls).toBeGreaterThan(3);
    expect(calls).toBeLessThanOrEqual(13);
    expect(
      a.upstream.get('nirvana') === undefined ||
        b.upstream.get('nirvana') === undefined ||
        Math.min(a.upstream.get('nirvana')!, b.upstream.get('nirvana')!) <= 2,
    ).toBe(true);

    const first = a.sims.nirvana.insert(2).map((r) => String((r as { id: unknown }).id));
    await eventually(() => onA.edges.length >= 2 && onB.edges.length >= 2);
    expect(onA.edges.map((e) => e.node.nativeId).sort()).toEqual([...first].sort());
    expect(onB.edges.map((e) => e.node.nativeId).sort()).toEqual([...first].sort());

    // The polling instance shuts down (releasing its lease): the other takes the head over where it stood.
    const [leader, follower, followerTail] =
      (a.upstream.get('nirvana') ?? 0) > (b.upstream.get('nirvana') ?? 0) ? [a, b, onB] : [b, a, onA];
    closed.add(leader);
    await leader.close();
    const second = follower.sims.nirvana.insert(1).map((r) => String((r as { id: unknown }).id));
    await eventually(() => followerTail.edges.length >= 3, 8_000);
    await sleep(300);
    expect(followerTail.edges.map((e) => e.node.nativeId).sort()).toEqual([...first, ...second].sort());
    expect(followerTail.errors).toEqual([]);
  });
});

describe('live tail: inbound budget', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 50, limits: { requestsPerMinute: 2 }, live: { pollIntervalMs: 250 } });
  });
  afterAll(() => h.close());

  it("counts each subscribe against the tenant's requests a minute, as over HTTP", async () => {
    const client = createClient({
      url: h.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.acme}` },
      retryAttempts: 0,
    });
    try {
      const outcomes = await Promise.all(
        [1, 2, 3].map(
          () =>
            new Promise<string>((resolve) => {
              client.subscribe(
                { query: SUBSCRIPTION, variables: { sources: ['zendesk'] } },
                {
                  next: () => undefined,
                  error: (e) => resolve((e as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? 'error'),
                  complete: () => resolve('complete'),
                },
              );
              setTimeout(() => resolve('open'), 1_000);
            }),
        ),
      );
      expect(outcomes.sort()).toEqual(['RATE_LIMITED', 'open', 'open']);
    } finally {
      await client.dispose();
    }
  });
});

describe('live tail: replay within the cost budget', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 500, limits: { costPerMinute: 4 }, live: { pollIntervalMs: 250 } });
  });
  afterAll(() => h.close());

  it("charges each replay page to the tenant's cost budget, as the same page over HTTP, and waits rather than fails when it is spent", async () => {
    // Cost 1 (one native page of one source).
    const oldest = await h.gql(`{ auditEvents(sources: ["zendesk"], order: OLDEST_FIRST, first: 1) { pageInfo { endCursor } } }`);
    expect(oldest.errors).toBeUndefined();
    const client = createClient({
      url: h.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.acme}` },
      retryAttempts: 0,
    });
    const edges: unknown[] = [];
    const errors: unknown[] = [];
    let ended = false;
    client.subscribe(
      { query: SUBSCRIPTION, variables: { sources: ['zendesk'], after: oldest.data!.auditEvents.pageInfo.endCursor } },
      { next: (r) => (r.data ? edges.push(r.data) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => (ended = true) },
    );
    try {
      await eventually(() => edges.length >= 100);
      await sleep(1_500);
      // A replay page of 100 costs 2; the third would exceed 4 a minute: the replay waits.
      expect(edges).toHaveLength(100);
      expect(errors).toEqual([]);
      expect(ended).toBe(false);
      expect(h.gateway.liveTail.subscriptionCount).toBe(1);
    } finally {
      await client.dispose();
    }
  });
});

describe('live tail: slow clients', () => {
  let h: Harness;
  /** Polls once a minute: what the replay test sees upstream is the replay. */
  let quiet: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 500, live: { pollIntervalMs: 250, maxPendingMessages: 10 } });
    quiet = await startHarness({ sims: h.sims, live: { pollIntervalMs: 60_000 } });
  });
  afterAll(async () => {
    await quiet.close();
    await h.close();
  });

  const scope = (connectionId: string) => ({
    requestId: `slow-${connectionId}`,
    tenant: { id: 'acme', sourceIds: new Set(['zendesk', 'nirvana', 'losant', 'logrocket']) },
    logger: silentLogger(),
    connectionId,
  });

  it('replays one page at a time: a client that does not read holds the gateway to one page', async () => {
    const oldest = await quiet.gql(`{ auditEvents(sources: ["zendesk"], order: OLDEST_FIRST, first: 1) { pageInfo { endCursor } } }`);
    h.sims.zendesk.resetRequests();
    const tail = quiet.gateway.liveTail.subscribe(scope('replay'), {
      sources: ['zendesk'],
      after: oldest.data!.auditEvents.pageInfo.endCursor,
    });
    try {
      await sleep(800);
      // The head's first poll and the replay's first page (100 events and the look-ahead: at most
      // two native pages); the other four pages wait for the client.
      expect(h.sims.zendesk.requests.length).toBeLessThanOrEqual(3);
      const before = h.sims.zendesk.requests.length;
      const received: string[] = [];
      for (let i = 0; i < 499; i += 1) {
        const next = await tail.next();
        if (next.done || next.value.kind !== 'edge') throw new Error(`unexpected ${JSON.stringify(next.value)}`);
        received.push(next.value.node.nativeId);
      }
      expect(new Set(received).size).toBe(499);
      expect(h.sims.zendesk.requests.length).toBeGreaterThan(before);
    } finally {
      await tail.return!();
    }
    expect(quiet.gateway.liveTail.subscriptionCount).toBe(0);
  });

  it('ends a tail whose client falls live.maxPendingMessages behind, with an error saying how to resume, and frees it', async () => {
    const tail = h.gateway.liveTail.subscribe(scope('behind'), { sources: ['nirvana'] });
    await sleep(300);
    h.sims.nirvana.insert(15);
    await eventually(() => h.gateway.liveTail.subscriptionCount === 0);
    const first = await tail.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ kind: 'error', error: { code: 'RATE_LIMITED' } });
    expect((first.value as { error: Error }).error.message).toContain('after');
    expect((await tail.next()).done).toBe(true);
    expect(h.gateway.liveTail.pollerCount).toBe(0);
  });
});

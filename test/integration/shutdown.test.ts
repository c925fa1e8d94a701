import { createClient } from 'graphql-ws';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { KEYS, startHarness } from '../support/gateway-harness';

const SLOW = '{ auditEvents(sources: ["zendesk"], first: 1) { edges { cursor } } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (url: string) => Number(new URL(url).port);

/** Whether a new TCP connection to the port is accepted or refused. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', () => resolve('refused'));
  });
}

/** A raw keep-alive connection that has had one answer and now sits idle. */
async function idleKeepAlive(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: keep-alive\r\n\r\n');
  await new Promise<void>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('{"status":"ok"}')) resolve();
    });
  });
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return { socket, closed };
}

describe('shutdown', () => {
  it('lets a request in flight finish, then closes; idle keep-alive connections do not hold it up', async () => {
    const harness = await startHarness({ seed: 10, count: 20 });
    // A warm keep-alive connection, idle when the gateway closes.
    await harness.gql('{ sources { name } }');
    harness.sims.zendesk.injectFault({ latencyMs: 400 });
    const inFlight = harness.gql(SLOW);
    await sleep(100);
    const started = Date.now();
    const closing = harness.close();
    const response = await inFlight;
    await closing;
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses new connections as soon as close begins, while a request in flight still finishes', async () => {
    const harness = await startHarness({ seed: 10, count: 20 });
    const port = portOf(harness.url);
    expect(await tryConnect(port)).toBe('accepted');
    harness.sims.zendesk.injectFault({ latencyMs: 500 });
    const inFlight = harness.gql(SLOW);
    await sleep(100);
    const closing = harness.close();
    expect(await tryConnect(port)).toBe('refused');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    await closing;
  });

  it('closes idle keep-alive connections at once, not when the requests in flight are done', async () => {
    const harness = await startHarness({ seed: 10, count: 20 });
    const idle = await idleKeepAlive(portOf(harness.url));
    harness.sims.zendesk.injectFault({ latencyMs: 800 });
    const inFlight = harness.gql(SLOW).then((response) => ({ status: response.status, at: Date.now() }));
    await sleep(100);
    const started = Date.now();
    const closing = harness.close();
    const idleClosedAt = await idle.closed;
    const answered = await inFlight;
    await closing;
    expect(idleClosedAt - started).toBeLessThan(300);
    expect(answered.status).toBe(200);
    expect(answered.at).toBeGreaterThan(idleClosedAt);
  });

  it('cuts what is still running after server.shutdownGraceMs, and not before', async () => {
    const harness = await startHarness({ seed: 10, count: 20, server: { shutdownGraceMs: 300 } });
    harness.sims.zendesk.injectFault({ latencyMs: 3_000 });
    const inFlight = harness.gql(SLOW).then(
      () => ({ outcome: 'answered', at: Date.now() }),
      () => ({ outcome: 'cut', at: Date.now() }),
    );
    await sleep(100);
    const started = Date.now();
    await harness.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    const { outcome, at } = await inFlight;
    expect(outcome).toBe('cut');
    // Timers may fire a little early; the grace period is 300 ms.
    expect(at - started).toBeGreaterThanOrEqual(280);
  });

  it('with a live tail open, refuses new connections at once, ends the tail with 1001 Going Away and lets the HTTP request in flight finish', async () => {
    const harness = await startHarness({ seed: 10, count: 20, live: { pollIntervalMs: 250 } });
    const closeCodes: number[] = [];
    const tail = createClient({
      url: harness.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.acme}` },
      retryAttempts: 0,
      on: { closed: (event) => closeCodes.push((event as { code: number }).code) },
    });
    const ended = new Promise<void>((resolve) => {
      tail.subscribe(
        { query: 'subscription { auditEventAdded(sources: ["nirvana"]) { cursor } }' },
        { next: () => undefined, error: () => resolve(), complete: () => resolve() },
      );
    });
    const until = Date.now() + 5_000;
    while (harness.gateway.liveTail.subscriptionCount === 0 && Date.now() < until) await sleep(20);
    expect(harness.gateway.liveTail.subscriptionCount).toBe(1);
    harness.sims.zendesk.injectFault({ latencyMs: 500 });
    const inFlight = harness.gql(SLOW);
    await sleep(100);
    const started = Date.now();
    const closing = harness.close();
    expect(await tryConnect(portOf(harness.url))).toBe('refused');
    await ended;
    const response = await inFlight;
    await closing;
    await tail.dispose();
    expect(closeCodes).toEqual([1001]);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

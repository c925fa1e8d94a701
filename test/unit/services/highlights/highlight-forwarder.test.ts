import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { UpstreamSample } from '../../../../src/datasources/http-client';
import { CLIENT_WEBHOOK_SOURCE, HighlightForwarder } from '../../../../src/services/highlights/highlight-forwarder';
import type { HighlightsView } from '../../../../src/services/highlights/highlights.types';
import { WebhookUrlPolicy } from '../../../../src/services/webhook-url-policy';
import { captureLogs } from '../../../support/log-capture';

const READY: HighlightsView = {
  sourceId: 'lr-web',
  requestId: 'r-1',
  status: 'READY',
  summary: 'done',
  sessions: [{ recordingId: 'rec', sessionId: 1, summary: 's', url: 'u' }],
};

describe('HighlightForwarder', () => {
  let server: Server;
  let base: string;
  let connections = 0;
  /** How the receiver answers; a handler that never ends the response leaves the forward hanging. */
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const received: { path: string | undefined; body: unknown }[] = [];
  const forwarders: HighlightForwarder[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => answer(req, res, text));
    });
    server.on('connection', (socket: Socket) => {
      connections += 1;
      socket.unref();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(forwarders.map((f) => f.close()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    connections = 0;
    received.length = 0;
    answer = (req, res, body) => {
      received.push({ path: req.url, body: JSON.parse(body) });
      res.writeHead(204).end();
    };
  });

  function setup(options: { timeoutMs?: number; allowLoopback?: boolean } = {}) {
    const { logger, lines } = captureLogs('info');
    const attempts: UpstreamSample[] = [];
    const forwarder = new HighlightForwarder({
      webhookPolicy: new WebhookUrlPolicy({ allowLoopback: options.allowLoopback ?? true }),
      logger,
      timeoutMs: options.timeoutMs ?? 2_000,
      now: Date.now,
      onAttempt: (sample) => attempts.push(sample),
    });
    forwarders.push(forwarder);
    return { forwarder, attempts, warnings: () => lines.filter((l) => l.level === 40) };
  }

  it("posts a result in LogRocket's push shape, reported as one attempt of the client-webhook source", async () => {
    const { forwarder, attempts, warnings } = setup();
    forwarder.forward(READY, `${base}/hook?x=1#ignored`);
    await forwarder.drain();
    expect(received).toEqual([
      {
        path: '/hook?x=1',
        body: {
          requestID: 'r-1',
          status: 'READY',
          result: { highlights: 'done', sessions: [{ recordingID: 'rec', sessionID: 1, highlights: 's', url: 'u' }] },
        },
      },
    ]);
    expect(attempts).toEqual([{ sourceId: CLIENT_WEBHOOK_SOURCE, status: 204, ms: expect.any(Number) }]);
    expect(warnings()).toEqual([]);
  });

  it('posts a FAILED result without a result body', async () => {
    const { forwarder } = setup();
    forwarder.forward({ ...READY, status: 'FAILED', summary: null, sessions: [] }, `${base}/failed`);
    await forwarder.drain();
    expect(received[0]!.body).toEqual({ requestID: 'r-1', status: 'FAILED', result: null });
  });

  it('cuts off a forward that hangs at its deadline, and reports the attempt', async () => {
    const { forwarder, attempts, warnings } = setup({ timeoutMs: 150 });
    answer = () => undefined;
    const started = Date.now();
    forwarder.forward(READY, `${base}/hangs`);
    await forwarder.drain();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1_500);
    expect(attempts).toEqual([{ sourceId: CLIENT_WEBHOOK_SOURCE, status: 'error', ms: expect.any(Number) }]);
    expect(attempts[0]!.ms).toBeGreaterThanOrEqual(140);
    expect(warnings()).toMatchObject([{ msg: 'client webhook unreachable', webhook: base }]);
  });

  it('logs a refusal with its status, and never retries it', async () => {
    const { forwarder, attempts, warnings } = setup();
    answer = (req, res) => {
      received.push({ path: req.url, body: null });
      res.writeHead(503, { 'retry-after': '0' }).end('busy');
    };
    forwarder.forward(READY, `${base}/busy`);
    await forwarder.drain();
    expect(received).toHaveLength(1);
    expect(attempts.map((a) => a.status)).toEqual([503]);
    expect(warnings()).toMatchObject([{ msg: 'client webhook refused a highlights result', webhook: base, status: 503 }]);
  });

  it('never reads what the webhook answers', async () => {
    const { forwarder, warnings } = setup();
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
    forwarder.forward(READY, `${base}/garbled`);
    await forwarder.drain();
    expect(warnings()).toEqual([]);
  });

  it('connects only where the policy allows, at connect time', async () => {
    const { forwarder, attempts, warnings } = setup({ allowLoopback: false });
    forwarder.forward(READY, `${base}/inward`);
    await forwarder.drain();
    expect(connections).toBe(0);
    expect(attempts.map((a) => a.status)).toEqual(['error']);
    expect(warnings()).toMatchObject([{ msg: 'client webhook refused: not a public address', webhook: base }]);
  });
});

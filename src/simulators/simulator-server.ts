import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FaultInjector } from './fault-injector';
import type { Fault, RecordedRequest } from './simulator.types';

/** A parsed incoming request, as handed to a provider's handler. */
export type SimulatorRequest = Omit<RecordedRequest, 'receivedAtMs'>;

/** A complete answer a handler wants sent. */
export interface SimulatorReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** How a provider renders what the shared machinery decides (faults, crashes). */
export interface SimulatorServerOptions {
  port?: number;
  /** Answers one request that no fault intercepted. */
  handle(request: SimulatorRequest): SimulatorReply;
  /** The provider's own error answer for an injected status (or for an unexpected handler crash). */
  errorReply(status: number, request: SimulatorRequest): SimulatorReply;
  /** The provider's own 429 answer; the server adds `Retry-After` itself. */
  rateLimitedReply(retryAfterSeconds: number, request: SimulatorRequest): SimulatorReply;
  /** Bodies a malformed 200 answer cycles through (truncated or non-JSON). */
  malformedBodies: readonly string[];
}

/** The running loopback server with its request log and fault controls. */
export interface SimulatorServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  resetRequests(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Largest request body a handler sees, bytes. */
const MAX_REQUEST_BODY = 1024 * 1024;

/** A JSON answer. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): SimulatorReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** A plain-text answer. */
export function textReply(status: number, text: string, headers: Record<string, string> = {}): SimulatorReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: text };
}

/** Starts a node:http server on 127.0.0.1 that records requests and applies injected faults. */
export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  let malformedCount = 0;

  const send = (res: ServerResponse, reply: SimulatorReply): void => {
    if (res.destroyed || res.headersSent) return;
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: SimulatorRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: { ...req.headers },
      body,
    };
    requests.push({
      method: request.method,
      path: request.path,
      query: new URLSearchParams(url.search),
      headers: request.headers,
      body,
      receivedAtMs: performance.now(),
    });

    const decision = faults.take(request.path);
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    const outcome = decision.outcome;
    if (outcome?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (outcome?.kind === 'status') return send(res, options.errorReply(outcome.status, request));
    if (outcome?.kind === 'rateLimited') {
      const reply = options.rateLimitedReply(outcome.retryAfterSeconds, request);
      return send(res, { ...reply, headers: { 'retry-after': String(outcome.retryAfterSeconds), ...reply.headers } });
    }
    if (outcome?.kind === 'malformed') {
      const bodies = options.malformedBodies;
      const body = bodies[malformedCount % bodies.length] ?? '{';
      malformedCount += 1;
      return send(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    }
    try {
      send(res, options.handle(request));
    } catch {
      send(res, options.errorReply(500, request));
    }
  };

  const server = createServer((req, res) => {
    // Read the body whole (GETs have none) so handlers of PUT/POST endpoints can see it; anything
    // past MAX_REQUEST_BODY is drained unread, which also keeps keep-alive working.
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY) chunks.push(chunk);
    });
    req.on('end', () => void dispatch(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

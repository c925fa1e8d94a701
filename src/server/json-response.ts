import type { IncomingMessage, ServerResponse } from 'node:http';

/** Longest a socket told `Connection: close` may stay open after its answer was sent, ms. */
export const CLOSE_LINGER_MS = 1_000;

/** A GraphQL-shaped error body with one error, for answers given before Apollo runs. */
export interface GraphQLErrorBody {
  readonly errors: readonly { readonly message: string; readonly extensions: Record<string, unknown> }[];
}

/** Writes `body` as the whole JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Answers and closes the connection without reading the rest of the body: Node ends a socket
 * once a `Connection: close` answer is flushed, and the timer bounds a client that never lets
 * it flush.
 */
export function sendJsonAndClose(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { ...headers, connection: 'close' });
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The error body of a request refused before Apollo: one error with its code and the request id. */
export function graphqlError(message: string, code: string, requestId: string): GraphQLErrorBody {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger } from '../../../src/logging/logger';
import { buildContext, tallyUpstream, type ContextParts } from '../../../src/server/graphql-request/context';
import type { GraphQLExchange, GraphQLRequestDeps } from '../../../src/server/graphql-request/exchange';
import { headerMapOf } from '../../../src/server/graphql-request/execute';
import { parsePayload } from '../../../src/server/graphql-request/read-payload';

/** A response that records what was written to it. */
function recordingResponse() {
  const written: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      written.status = status;
      written.headers = headers;
    },
    end(body: string) {
      written.body = body;
    },
  };
  return { res: res as unknown as ServerResponse, written };
}

function exchangeOf(method: string, contentType?: string) {
  const { res, written } = recordingResponse();
  const req = { method, headers: contentType === undefined ? {} : { 'content-type': contentType } } as IncomingMessage;
  const exchange: GraphQLExchange = { req, res, url: new URL('http://localhost/graphql'), requestId: 'req-1' };
  return { exchange, written };
}

describe('parsePayload', () => {
  it('takes no body from a GET', () => {
    expect(parsePayload(exchangeOf('GET', 'application/json').exchange, '')).toEqual({ body: undefined });
  });

  it('parses JSON, reads an empty JSON body as none, and passes other content types as text', () => {
    expect(parsePayload(exchangeOf('POST', 'application/json').exchange, '{"query":"{ a }"}')).toEqual({ body: { query: '{ a }' } });
    expect(parsePayload(exchangeOf('POST', 'application/json').exchange, '')).toEqual({ body: undefined });
    expect(parsePayload(exchangeOf('POST', 'text/plain').exchange, '{ a }')).toEqual({ body: '{ a }' });
    expect(parsePayload(exchangeOf('POST').exchange, '{ a }')).toEqual({ body: '{ a }' });
  });

  it('answers 400 BAD_REQUEST for JSON that does not parse', () => {
    const { exchange, written } = exchangeOf('POST', 'application/json; charset=utf-8');
    expect(parsePayload(exchange, '{"query": ')).toBeUndefined();
    expect(written.status).toBe(400);
    expect(JSON.parse(written.body!)).toEqual({
      errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST', requestId: 'req-1' } }],
    });
  });
});

describe('headerMapOf', () => {
  it('joins repeated values and leaves out absent ones', () => {
    const map = headerMapOf({ accept: 'application/json', 'x-forwarded-for': ['a', 'b'], 'content-type': undefined });
    expect([...map]).toEqual([
      ['accept', 'application/json'],
      ['x-forwarded-for', 'a, b'],
    ]);
  });
});

describe('tallyUpstream', () => {
  it('counts calls, time, errors (no answer or 4xx/5xx) and cancellations per source', () => {
    const { upstream, observe } = tallyUpstream();
    observe({ sourceId: 'zendesk', status: 200, ms: 10 });
    observe({ sourceId: 'zendesk', status: 503, ms: 5 });
    observe({ sourceId: 'nirvana', status: 'error', ms: 7 });
    observe({ sourceId: 'nirvana', status: 'cancelled', ms: 1 });
    expect(upstream).toEqual({
      zendesk: { calls: 2, errors: 1, ms: 15 },
      nirvana: { calls: 2, errors: 1, ms: 8, cancelled: 1 },
    });
  });
});

describe('buildContext', () => {
  const deps = { logger: silentLogger(), services: {}, requestTimeoutMs: 30_000 } as unknown as GraphQLRequestDeps;
  const parts: Omit<ContextParts, 'body'> = {
    requestId: 'req-1',
    tenant: { id: 'acme', sourceIds: new Set(['zendesk']) },
    started: 1_000,
    signal: new AbortController().signal,
    observe: () => undefined,
  };

  it('gives upstream calls the deadline counted from the start, the signal and the tenant', () => {
    const context = buildContext(deps, { ...parts, body: undefined });
    expect(context.call).toEqual({ deadline: 31_000, signal: parts.signal, observe: parts.observe, tenantId: 'acme' });
    expect(context.partialErrors).toEqual([]);
  });

  it('names the operation after the payload, as a string, or null without one', () => {
    expect(buildContext(deps, { ...parts, body: { operationName: 'Recent' } }).operation.name).toBe('Recent');
    expect(buildContext(deps, { ...parts, body: { operationName: 5 } }).operation.name).toBe('5');
    expect(buildContext(deps, { ...parts, body: '{ a }' }).operation.name).toBeNull();
    expect(buildContext(deps, { ...parts, body: undefined }).operation.name).toBeNull();
  });
});

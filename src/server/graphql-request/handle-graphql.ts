import { authenticate } from './authenticate';
import { abortOnHangUp, buildContext, tallyUpstream } from './context';
import type { GraphQLExchange, GraphQLRequestDeps } from './exchange';
import { executeThroughApollo } from './execute';
import { admitWithinRateLimit } from './rate-limit';
import { parsePayload, readBodyText } from './read-payload';
import { logClientAbort, logRequest } from './request-log';
import { writeBody, writeHead } from './write-response';

/** Serves one GET or POST to `/graphql`. */
export type GraphQLHandler = (exchange: GraphQLExchange) => Promise<void>;

/**
 * The GraphQL route: authenticates before anything else, so that an unauthenticated caller costs
 * nothing and learns nothing, then admits, reads, executes and answers. A step that answers by
 * itself (401, 429, 413, 400) or finds the client gone ends the request.
 */
export function createGraphQLHandler(deps: GraphQLRequestDeps): GraphQLHandler {
  return async (exchange) => {
    const tenant = await authenticate(deps, exchange);
    if (!tenant) return;
    if (!(await admitWithinRateLimit(deps, exchange, tenant))) return;
    const text = await readBodyText(deps, exchange, tenant);
    if (text === undefined) return;
    const payload = parsePayload(exchange, text);
    if (!payload) return;
    const signal = abortOnHangUp(exchange.res);
    const started = deps.now();
    const { upstream, observe } = tallyUpstream();
    const context = buildContext(deps, { requestId: exchange.requestId, tenant, started, signal, observe, body: payload.body });
    const response = await executeThroughApollo(deps, exchange, payload, context);
    if (signal.aborted) return logClientAbort(context, { ms: deps.now() - started, upstream });
    writeHead(exchange, response);
    logRequest(context, { status: exchange.res.statusCode, ms: deps.now() - started, upstream });
    await writeBody(exchange, response.body);
  };
}

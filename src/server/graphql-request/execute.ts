import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLContext } from '../../services/services';
import type { GraphQLExchange, GraphQLRequestDeps } from './exchange';
import type { GraphQLPayload } from './read-payload';

/** Node's request headers as Apollo takes them, repeated values joined with ', '. */
export function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** Runs the request through Apollo with its context. */
export function executeThroughApollo(
  deps: GraphQLRequestDeps,
  exchange: GraphQLExchange,
  payload: GraphQLPayload,
  context: GraphQLContext,
): Promise<HTTPGraphQLResponse> {
  const { req, url } = exchange;
  return deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMapOf(req.headers), search: url.search, body: payload.body },
    context: async () => context,
  });
}

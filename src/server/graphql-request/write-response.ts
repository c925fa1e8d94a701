import type { HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLExchange } from './exchange';

/** Sets Apollo's headers and status, plus the request id; nothing is sent yet. */
export function writeHead(exchange: GraphQLExchange, response: HTTPGraphQLResponse): void {
  const { res, requestId } = exchange;
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.setHeader('x-request-id', requestId);
  res.statusCode = response.status ?? 200;
}

/** Sends Apollo's body, whole or as it streams (incremental delivery), and ends the answer. */
export async function writeBody(exchange: GraphQLExchange, body: HTTPGraphQLResponse['body']): Promise<void> {
  const { res } = exchange;
  if (body.kind === 'complete') {
    res.end(body.string);
    return;
  }
  for await (const chunk of body.asyncIterator) res.write(chunk);
  res.end();
}

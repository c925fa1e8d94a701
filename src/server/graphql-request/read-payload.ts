import type { Tenant } from '../../auth/tenant-resolver';
import { graphqlError, sendJson, sendJsonAndClose } from '../json-response';
import { BodyCut, BodyTooLarge, readBody } from '../read-body';
import type { GraphQLExchange, GraphQLRequestDeps } from './exchange';
import { logBodyAbort } from './request-log';

/** The request's payload as Apollo takes it: parsed JSON, raw text, or undefined for a GET. */
export interface GraphQLPayload {
  readonly body: unknown;
}

/**
 * The whole body of a POST as text, '' for any other method. Undefined when there is none to
 * read: the client left mid-body (logged as a client abort) or sent more than `maxBodyBytes`
 * (answered 413, closing the connection unread).
 */
export async function readBodyText(deps: GraphQLRequestDeps, exchange: GraphQLExchange, tenant: Tenant): Promise<string | undefined> {
  const { req, res, requestId } = exchange;
  if (req.method !== 'POST') return '';
  try {
    return await readBody(req, deps.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyCut) {
      logBodyAbort(deps.logger, requestId, tenant.id);
      return undefined;
    }
    if (error instanceof BodyTooLarge) {
      sendJsonAndClose(req, res, 413, graphqlError(`Request body exceeds ${deps.maxBodyBytes} bytes.`, 'BAD_REQUEST', requestId));
      return undefined;
    }
    throw error;
  }
}

/**
 * The payload of a body: JSON when the content type says so (an empty body is none), the text
 * as it is otherwise. Undefined once it answered 400 for JSON that does not parse.
 */
export function parsePayload(exchange: GraphQLExchange, text: string): GraphQLPayload | undefined {
  const { req, res, requestId } = exchange;
  if (req.method !== 'POST') return { body: undefined };
  if (!/json/i.test(req.headers['content-type'] ?? '')) return { body: text };
  try {
    return { body: text.length === 0 ? undefined : JSON.parse(text) };
  } catch {
    sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST', requestId));
    return undefined;
  }
}

import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AuditGraphError } from '../errors';

/** Apollo's own codes whose messages describe the caller's request and are safe to show. */
const CALLER_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Message of every masked error; the request id is appended when the response is sent. */
export const MASKED_MESSAGE = 'Internal error. Quote the request id to the operators of this gateway.';

/**
 * Apollo `formatError`: our typed errors pass with their code (and source); Apollo's caller-error
 * codes pass; everything else is masked to INTERNAL_SERVER_ERROR with no message, stack or cause.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AuditGraphError) {
    // `http` tells Apollo the status and headers; it is not for the client's body.
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CALLER_ERROR_CODES.has(code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: MASKED_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

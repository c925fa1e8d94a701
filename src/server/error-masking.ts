import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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

/** graphql-js's message for a document over the parser's token limit (its wording has a typo). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:at|an) (\d+) tokens/;

/** graphql-js's suggestion at the end of a message (Apollo's own pattern for validation errors). */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * A validation message without graphql-js's "Did you mean" suggestion of schema names: what
 * Apollo's `hideSchemaDetailsFromClientErrors` does over HTTP, for paths Apollo does not serve
 * (the WebSocket) when introspection is off.
 */
export function withoutSchemaSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** graphql-js's message for a variable whose value does not fit its type. */
const VARIABLE_ERROR = /^Variable "\$[^"]*" got invalid value /;

/** Apollo's message for a persisted query whose hash is not its query's. */
const HASH_MISMATCH = 'provided sha does not match query';

/**
 * Whether Apollo refused the request before parsing it (a persisted query whose `sha256Hash` is
 * not its query's, an unsupported persisted-query version): Apollo gives such errors a 4xx status
 * but no code, and they are the caller's mistake, not the gateway's.
 */
export function isRequestRefusal(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined || error.originalError) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Message of every masked error; the request id is appended when the response is sent. */
export const MASKED_MESSAGE = 'Internal error. Quote the request id to the operators of this gateway.';

/**
 * Apollo `formatError`: our typed errors pass with their code (and source); Apollo's caller-error
 * codes pass, and so do its code-less refusals of the request (as BAD_USER_INPUT); everything else
 * is masked to INTERNAL_SERVER_ERROR with no message, stack or cause. A variable's value error
 * never carries graphql-js's "Did you mean" suggestion of field or enum names: Apollo's
 * `hideSchemaDetailsFromClientErrors` only reaches validation errors, and a value is data,
 * where the schema is not advertised (demo mode has Sandbox's autocompletion for that).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AuditGraphError) {
    // `http` tells Apollo the status and headers; it is not for the client's body.
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (isRequestRefusal(original)) {
    const message =
      original.message === HASH_MISMATCH
        ? "The persisted query's `sha256Hash` is not the SHA-256 of the query sent with it. Send the lowercase hex SHA-256 of exactly that query text."
        : original.message;
    return { message, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CALLER_ERROR_CODES.has(code)) {
    const tokens = code === 'GRAPHQL_PARSE_FAILED' ? TOKEN_LIMIT.exec(formatted.message) : null;
    const message = tokens
      ? `Syntax Error: the document has more than ${tokens[1]} tokens, this gateway's limit. Send a shorter operation.`
      : VARIABLE_ERROR.test(formatted.message)
        ? withoutSchemaSuggestion(formatted.message)
        : formatted.message;
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: MASKED_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

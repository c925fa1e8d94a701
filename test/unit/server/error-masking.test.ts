import { GraphQLError } from 'graphql';
import { AuditGraphError } from '../../../src/errors';
import { formatError, isRequestRefusal, MASKED_MESSAGE } from '../../../src/server/error-masking';

/** What Apollo hands formatError for an error thrown in a resolver. */
function located(original: Error): [ReturnType<GraphQLError['toJSON']>, GraphQLError] {
  const error = new GraphQLError(original.message, {
    path: ['auditEvents'],
    originalError: original,
    extensions: original instanceof GraphQLError ? original.extensions : { code: 'INTERNAL_SERVER_ERROR' },
  });
  return [error.toJSON(), error];
}

describe('formatError', () => {
  it('passes our typed errors with their code and source', () => {
    const formatted = formatError(
      ...located(
        new AuditGraphError('UPSTREAM_UNAVAILABLE', 'Source "zendesk" is failing.', { source: 'zendesk', cause: new Error('secret body') }),
      ),
    );
    expect(formatted).toEqual({
      message: 'Source "zendesk" is failing.',
      path: ['auditEvents'],
      locations: undefined,
      extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'zendesk' },
    });
  });

  it('masks anything else: no message, no stack, no cause', () => {
    const formatted = formatError(
      ...located(new TypeError("Cannot read properties of undefined (reading 'apiKey') at /srv/app/src/x.ts:3")),
    );
    expect(formatted.message).toBe(MASKED_MESSAGE);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(formatted)).not.toMatch(/apiKey|\/srv|TypeError/);
  });

  it("answers Apollo's code-less refusals of a request as BAD_USER_INPUT, never masked", () => {
    const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400, headers: new Map() } } });
    expect(isRequestRefusal(mismatch)).toBe(true);
    const formatted = formatError({ message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, mismatch);
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(formatted.message).toMatch(/sha256Hash.*SHA-256 of exactly that query/);
    // A code-less error without a client status is still the gateway's fault.
    expect(isRequestRefusal(new GraphQLError('boom'))).toBe(false);
    expect(isRequestRefusal(new GraphQLError('boom', { extensions: { http: { status: 503 } } }))).toBe(false);
  });

  it("words graphql-js's token limit for the caller", () => {
    const tooLong = new GraphQLError('Syntax Error: Document contains more that 2000 tokens. Parsing aborted.', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect(formatError(tooLong.toJSON(), tooLong)).toMatchObject({
      message: expect.stringMatching(/more than 2000 tokens, this gateway's limit/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('drops graphql-js\'s "Did you mean" from variable errors, which Apollo\'s own hiding does not reach', () => {
    for (const message of [
      'Variable "$f" got invalid value { occuredAfter: "2024-01-01T00:00:00Z" }; Field "occuredAfter" is not defined by type "AuditEventFilter". Did you mean "occurredAfter"?',
      'Variable "$o" got invalid value "NEWST_FIRST"; Value "NEWST_FIRST" does not exist in "AuditEventOrder" enum. Did you mean the enum value "NEWEST_FIRST"?',
    ]) {
      const error = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
      const formatted = formatError(error.toJSON(), error);
      expect(formatted.message).not.toMatch(/Did you mean|occurredAfter"|NEWEST_FIRST"/);
      expect(formatted.message).toMatch(/^Variable "\$\w" got invalid value .*(is not defined by type|does not exist in) "\w+"( enum)?\.$/);
      expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    }
    const missing = new GraphQLError('Variable "$r" of required type "[_Any!]!" was not provided.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(formatError(missing.toJSON(), missing).message).toBe(missing.message);
  });

  it("keeps Apollo's caller errors, which describe the request", () => {
    const validation = new GraphQLError('Cannot query field "nope" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(formatError(validation.toJSON(), validation).message).toBe('Cannot query field "nope" on type "Query".');
  });
});

import { GraphQLError } from 'graphql';
import { AuditGraphError } from '../../../src/errors';
import { formatError, MASKED_MESSAGE } from '../../../src/server/error-masking';

/** What Apollo hands formatError for an error thrown in a resolver. */
function located(original: Error): [ReturnType<GraphQLError['toJSON']>, GraphQLError] {
  const error = new GraphQLError(original.message, { path: ['auditEvents'], originalError: original, extensions: original instanceof GraphQLError ? original.extensions : { code: 'INTERNAL_SERVER_ERROR' } });
  return [error.toJSON(), error];
}

describe('formatError', () => {
  it('passes our typed errors with their code and source', () => {
    const formatted = formatError(...located(new AuditGraphError('UPSTREAM_UNAVAILABLE', 'Source "zendesk" is failing.', { source: 'zendesk', cause: new Error('secret body') })));
    expect(formatted).toEqual({ message: 'Source "zendesk" is failing.', path: ['auditEvents'], locations: undefined, extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'zendesk' } });
  });

  it('masks anything else: no message, no stack, no cause', () => {
    const formatted = formatError(...located(new TypeError("Cannot read properties of undefined (reading 'apiKey') at /srv/app/src/x.ts:3")));
    expect(formatted.message).toBe(MASKED_MESSAGE);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(formatted)).not.toMatch(/apiKey|\/srv|TypeError/);
  });

  it("keeps Apollo's caller errors, which describe the request", () => {
    const validation = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(formatError(validation.toJSON(), validation).message).toBe('Cannot query field "nope" on type "Query".');
  });
});

import { isRetryableStatus, retryAfterMs, upstreamError } from '../../../src/datasources/upstream-errors';

describe('upstreamError', () => {
  it.each([
    [401, 'UPSTREAM_AUTH_FAILED', /rejected auditgraph's credentials \(HTTP 401\).*credentials/],
    [403, 'UPSTREAM_AUTH_FAILED', /HTTP 403/],
    [429, 'UPSTREAM_RATE_LIMITED', /rate limiting auditgraph; try again later/],
    [408, 'UPSTREAM_TIMEOUT', /timed out \(HTTP 408\)/],
    [504, 'UPSTREAM_TIMEOUT', /timed out \(HTTP 504\)/],
    [500, 'UPSTREAM_UNAVAILABLE', /failing \(HTTP 500\)/],
    [502, 'UPSTREAM_UNAVAILABLE', /HTTP 502/],
    [503, 'UPSTREAM_UNAVAILABLE', /HTTP 503/],
    [599, 'UPSTREAM_UNAVAILABLE', /HTTP 599/],
    [404, 'UPSTREAM_BAD_RESPONSE', /404.*baseUrl/],
    [400, 'UPSTREAM_BAD_RESPONSE', /refused the request \(HTTP 400\)/],
    [422, 'UPSTREAM_BAD_RESPONSE', /HTTP 422/],
  ])('maps HTTP %d to %s with a message naming the source', (status, code, message) => {
    const error = upstreamError('zendesk-eu', { kind: 'status', status });
    expect(error.code).toBe(code);
    expect(error.extensions).toMatchObject({ code, source: 'zendesk-eu' });
    expect(error.sourceId).toBe('zendesk-eu');
    expect(error.message).toContain('Source "zendesk-eu"');
    expect(error.message).toMatch(message);
  });

  it('tells a rate-limited caller when to come back, in seconds', () => {
    const error = upstreamError('zendesk', { kind: 'status', status: 429, retryAfterSeconds: 30 });
    expect(error.message).toMatch(/try again in 30 s/);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'zendesk', retryAfter: 30 });
    expect(upstreamError('zendesk', { kind: 'status', status: 429 }).extensions.retryAfter).toBeUndefined();
  });

  it.each([
    [{ kind: 'timeout' } as const, 'UPSTREAM_TIMEOUT', /did not answer in time/],
    [{ kind: 'deadline' } as const, 'UPSTREAM_TIMEOUT', /time limit/],
    [{ kind: 'network' } as const, 'UPSTREAM_UNAVAILABLE', /could not be reached/],
    [{ kind: 'malformed', detail: 'no "items" list' } as const, 'UPSTREAM_BAD_RESPONSE', /could not read \(no "items" list\)/],
  ])('maps %j', (fault, code, message) => {
    const error = upstreamError('losant', fault);
    expect(error.code).toBe(code);
    expect(error.extensions.source).toBe('losant');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('"losant"');
  });

  it('keeps the cause internal: never in the message or extensions', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.1:443 Authorization: Bearer CANARY-TOKEN');
    const error = upstreamError('nirvana', { kind: 'network' }, cause);
    expect(error.internalCause).toBe(cause);
    expect(error.message).not.toContain('CANARY');
    expect(JSON.stringify(error.toJSON())).not.toContain('CANARY');
    expect(JSON.stringify(error.toJSON())).not.toContain('ECONNREFUSED');
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 409, 425, 429 and 5xx only', () => {
    expect([408, 409, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2024-02-02T20:48:40Z');

  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': ' 1.5 ' }, now)).toBe(1500);
  });

  it('prefers Retry-After-Ms and rounds it up', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '10' }, now)).toBe(250);
    expect(retryAfterMs({ 'retry-after-ms': '12.2' }, now)).toBe(13);
    expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '3' }, now)).toBe(3000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(retryAfterMs({ 'retry-after': 'Fri, 02 Feb 2024 20:48:45 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after': 'Fri, 02 Feb 2024 20:48:00 GMT' }, now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(retryAfterMs({ 'retry-after': ['4', '9'] }, now)).toBe(4000);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after-ms': 'x' }, now)).toBeUndefined();
  });
});

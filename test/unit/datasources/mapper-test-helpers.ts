import { AuditGraphError } from '../../../src/errors';

/** Runs `fn`, expects an UPSTREAM_BAD_RESPONSE for `sourceId`, and returns it. */
export function expectBadResponse(fn: () => unknown, sourceId: string, canary?: string): AuditGraphError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AuditGraphError);
  const error = caught as AuditGraphError;
  expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
  expect(error.extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
  expect(error.extensions.source).toBe(sourceId);
  expect(error.message).toContain(`"${sourceId}"`);
  if (canary !== undefined) {
    expect(error.message).not.toContain(canary);
    expect(JSON.stringify(error.extensions)).not.toContain(canary);
  }
  return error;
}

/** A value no message may ever echo. */
export const CANARY = 'CANARY-7f3a9c-secret-record-content';

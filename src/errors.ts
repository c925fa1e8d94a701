import { GraphQLError } from 'graphql';

/** Every `extensions.code` auditgraph can answer with (the README's Errors section lists them). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  /** Inbound: the tenant exceeded its requests or cost per minute (HTTP 429 with Retry-After). */
  | 'RATE_LIMITED'
  | 'BAD_USER_INPUT'
  | 'INVALID_CURSOR'
  | 'NOT_FOUND'
  | 'UNSUPPORTED_BY_SOURCE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_AUTH_FAILED'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'INTERNAL_SERVER_ERROR';

/** Options shared by every typed error. */
export interface AuditGraphErrorOptions {
  /** Config id of the source the error concerns; becomes `extensions.source`. */
  source?: string;
  /** Extra, client-safe extensions. Never put upstream bodies or credentials here. */
  extensions?: Record<string, unknown>;
  /** Internal cause, logged but never serialised to clients. */
  cause?: unknown;
}

/**
 * The only error type auditgraph raises on purpose. Its message is written for the caller;
 * anything that is not an AuditGraphError is masked before it reaches a client.
 */
export class AuditGraphError extends GraphQLError {
  readonly code: ErrorCode;
  /** Config id of the source concerned, when there is one. */
  readonly sourceId?: string;
  readonly internalCause?: unknown;

  constructor(code: ErrorCode, message: string, options: AuditGraphErrorOptions = {}) {
    super(message, {
      extensions: {
        ...options.extensions,
        code,
        ...(options.source !== undefined ? { source: options.source } : {}),
      },
    });
    this.name = 'AuditGraphError';
    this.code = code;
    this.sourceId = options.source;
    this.internalCause = options.cause;
  }
}

/**
 * The work was cancelled because nobody waits for it any more: the client hung up, or the
 * gateway itself stopped it. Not a contract code: a client never receives it (it is gone), and it
 * is never a fault of the provider, so it counts as no timeout, no source failure and no breaker
 * strike. Logged as a client abort.
 */
export class RequestCancelled extends Error {
  readonly code = 'CLIENT_CLOSED_REQUEST';

  constructor(readonly reason?: unknown) {
    super('request cancelled');
    this.name = 'RequestCancelled';
  }
}

/** Whether an error (or the error a resolver wrapped) is a cancellation. */
export function isCancellation(error: unknown): boolean {
  return error instanceof RequestCancelled || (error instanceof GraphQLError && error.originalError instanceof RequestCancelled);
}

/** Codes that describe a fault of an upstream provider rather than of the caller. */
export const UPSTREAM_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_BAD_RESPONSE',
]);

/** A start-up configuration problem: printed as-is (it never contains a secret) and exits 1. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, each starting with the config path, e.g. `sources[2].orgId: required`. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Shorthand for the most common caller error. */
export function badUserInput(message: string, field?: string): AuditGraphError {
  return new AuditGraphError('BAD_USER_INPUT', message, field ? { extensions: { field } } : {});
}

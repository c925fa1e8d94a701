import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CacheStore } from '../datasources/cache/cache-store';
import type { UpstreamCall } from '../datasources/http-client';
import type { LogRocketRestClient } from '../datasources/logrocket/logrocket-rest.client';
import { traitText, type LogRocketUser } from '../datasources/logrocket/logrocket-rest.mapper';
import type { LogRocketTraitValue, LogRocketUserRequest } from '../datasources/logrocket/logrocket-rest.types';
import { AuditGraphError, badUserInput } from '../errors';
import type { ParsedTimestamp } from '../paging/time-key';
import type { LogRocketRestSources } from './logrocket-rest-sources';
import type { RequestScope } from './request-scope';
import { restCacheKey } from './rest-cache-key';
import { characterLength, EMAIL_PATTERN, MAX_USER_FIELD_LENGTH } from './text-limits';

/** Most inputs one `upsertUsers` call takes. */
export const MAX_UPSERT_BATCH = 500;
/** How long an upserted user stays known to `node(id)` (LogRocket has no user GET). */
export const USER_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
/** Upserts in flight at once per `upsertUsers` call. */
export const UPSERT_CONCURRENCY = 8;

/** One `UpsertUserInput`, as the resolver hands it over. */
export interface UpsertUserCommand {
  readonly source?: string | null;
  readonly userId: string;
  readonly name?: string | null;
  readonly email?: string | null;
  readonly traits?: Record<string, unknown> | null;
  readonly seenAt?: ParsedTimestamp | null;
}

/** A user as the schema's `User` type shows it. */
export interface UserRecord extends LogRocketUser {
  readonly sourceId: string;
}

/** Why one input of `upsertUsers` failed. */
export interface UpsertUserErrorValue {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
  readonly source: string | null;
}

/** One `UpsertUserResult`: the user, or the error of that input. */
export type UpsertUserOutcome =
  { readonly user: UserRecord; readonly error: null } | { readonly user: null; readonly error: UpsertUserErrorValue };

/** An input that passed validation, ready to send. */
interface PreparedUpsert {
  readonly client: LogRocketRestClient;
  readonly userId: string;
  readonly body: LogRocketUserRequest;
  /** What the gateway answers if LogRocket's 200 has no body. */
  readonly requested: LogRocketUser;
}

function checkLength(value: string, field: string, what: string): void {
  if (characterLength(value) > MAX_USER_FIELD_LENGTH) {
    throw badUserInput(`\`${field}\` is longer than ${MAX_USER_FIELD_LENGTH} characters, LogRocket's limit for ${what}.`, field);
  }
}

/**
 * Checks an input against LogRocket's rules before anything is sent: ids, names, emails and trait
 * values up to 1024 characters, a sane email, trait values string, integer or boolean.
 */
export function validateUpsertUser(input: UpsertUserCommand): Omit<PreparedUpsert, 'client'> {
  const { userId } = input;
  if (typeof userId !== 'string' || userId.trim() === '') throw badUserInput('`userId` must not be empty.', 'userId');
  checkLength(userId, 'userId', 'user ids');
  const body: { -readonly [K in keyof LogRocketUserRequest]: LogRocketUserRequest[K] } = {};
  if (input.name !== null && input.name !== undefined) {
    checkLength(input.name, 'name', 'names');
    body.name = input.name;
  }
  if (input.email !== null && input.email !== undefined) {
    checkLength(input.email, 'email', 'emails');
    if (!EMAIL_PATTERN.test(input.email)) throw badUserInput('`email` must be an email address such as jane@example.com.', 'email');
    body.email = input.email;
  }
  if (input.seenAt !== null && input.seenAt !== undefined) body.timestamp = input.seenAt.epochMs;
  // Null-prototype records: a trait may be called `__proto__`.
  const requestedTraits: Record<string, string> = Object.create(null) as Record<string, string>;
  if (input.traits !== null && input.traits !== undefined) {
    const traits: Record<string, LogRocketTraitValue> = Object.create(null) as Record<string, LogRocketTraitValue>;
    for (const [key, value] of Object.entries(input.traits)) {
      const field = `traits.${key}`;
      if (key.trim() === '') throw badUserInput('Trait names must not be empty.', 'traits');
      if (characterLength(key) > MAX_USER_FIELD_LENGTH) {
        throw badUserInput(`A trait name is longer than ${MAX_USER_FIELD_LENGTH} characters.`, 'traits');
      }
      if (typeof value === 'string') checkLength(value, field, 'trait values');
      else if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value)))) {
        throw badUserInput(`\`${field}\` must be a string, an integer or a boolean (use "" to remove the trait).`, field);
      }
      traits[key] = value as LogRocketTraitValue;
      const text = traitText(value);
      if (text !== null && text !== '') requestedTraits[key] = text;
    }
    body.traits = traits;
  }
  return {
    userId,
    body,
    requested: { userId, name: input.name ?? null, email: input.email ?? null, traits: requestedTraits },
  };
}

/** The client-facing form of any error one input ran into. */
export function upsertErrorOf(error: unknown, scope: RequestScope): UpsertUserErrorValue {
  if (error instanceof AuditGraphError) {
    const field = error.extensions.field;
    return { code: error.code, message: error.message, field: typeof field === 'string' ? field : null, source: error.sourceId ?? null };
  }
  scope.logger.error({ err: error }, 'unexpected error in upsertUsers');
  return {
    code: 'INTERNAL_SERVER_ERROR',
    message: `Internal error. Quote the request id ${scope.requestId} to the operators of this gateway.`,
    field: null,
    source: null,
  };
}

/** Options of {@link UsersService}. */
export interface UsersServiceOptions {
  readonly sources: LogRocketRestSources;
  readonly cache: CacheStore;
  /** Upserts in flight at once per request; default {@link UPSERT_CONCURRENCY}. */
  readonly concurrency?: number;
}

/**
 * LogRocket user identification: validated upserts, one or many, and the cache that lets
 * `node(id)` answer for users this tenant upserted (LogRocket itself cannot be asked).
 */
export class UsersService {
  private readonly loaders = new WeakMap<RequestScope, DataLoader<PreparedUpsert, UserRecord>>();

  constructor(private readonly options: UsersServiceOptions) {}

  private userKey(tenantId: string, sourceId: string, userId: string): string {
    // User ids may be 1024 characters of anything: a digest keeps keys short and plain.
    return restCacheKey('users', tenantId, sourceId, createHash('sha256').update(userId).digest('base64url'));
  }

  /**
   * The request's batcher: every upsert of one GraphQL request goes through it, so a batch runs
   * with bounded concurrency, and inputs for the same user run one after the other in input
   * order (LogRocket merges traits, so order matters).
   */
  private loader(scope: RequestScope): DataLoader<PreparedUpsert, UserRecord> {
    let loader = this.loaders.get(scope);
    if (!loader) {
      const limit = pLimit(this.options.concurrency ?? UPSERT_CONCURRENCY);
      loader = new DataLoader<PreparedUpsert, UserRecord>(
        async (batch) => {
          const chains = new Map<string, Promise<unknown>>();
          const results = batch.map((task) => {
            const key = `${task.client.sourceId}\u0000${task.userId}`;
            const previous = chains.get(key) ?? Promise.resolve();
            const run = previous.catch(() => undefined).then(() => limit(() => this.send(scope, task, scope.call)));
            chains.set(key, run);
            return run.then(
              (user) => user,
              (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
            );
          });
          return Promise.all(results);
        },
        { cache: false, maxBatchSize: MAX_UPSERT_BATCH },
      );
      this.loaders.set(scope, loader);
    }
    return loader;
  }

  private async send(scope: RequestScope, task: PreparedUpsert, call: UpstreamCall): Promise<UserRecord> {
    const user = await task.client.upsertUser(task.userId, task.body, task.requested, call);
    const record: UserRecord = { ...user, sourceId: task.client.sourceId };
    await this.options.cache.set(this.userKey(scope.tenant.id, record.sourceId, record.userId), record, USER_CACHE_TTL_MS);
    return record;
  }

  private prepare(scope: RequestScope, input: UpsertUserCommand): PreparedUpsert {
    const valid = validateUpsertUser(input);
    return { ...valid, client: this.options.sources.resolve(scope, input.source) };
  }

  /** `upsertUser`: validates, then one PUT; errors are thrown. */
  async upsertUser(scope: RequestScope, input: UpsertUserCommand): Promise<UserRecord> {
    return this.loader(scope).load(this.prepare(scope, input));
  }

  /** `upsertUsers`: one outcome per input, in input order; one bad input never fails the others. */
  async upsertUsers(scope: RequestScope, inputs: readonly UpsertUserCommand[]): Promise<UpsertUserOutcome[]> {
    if (inputs.length > MAX_UPSERT_BATCH) {
      throw badUserInput(`\`upsertUsers\` takes at most ${MAX_UPSERT_BATCH} inputs per call; split the list.`, 'inputs');
    }
    const loader = this.loader(scope);
    const pending = inputs.map((input) => {
      try {
        return loader.load(this.prepare(scope, input));
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const settled = await Promise.allSettled(pending);
    return settled.map((outcome) =>
      outcome.status === 'fulfilled' ? { user: outcome.value, error: null } : { user: null, error: upsertErrorOf(outcome.reason, scope) },
    );
  }

  /** A user this tenant upserted recently, else null: LogRocket has no way to read a user. */
  async cachedUser(scope: RequestScope, sourceId: string, userId: string): Promise<UserRecord | null> {
    if (!this.options.sources.readable(scope.tenant, sourceId)) return null;
    return (await this.options.cache.get<UserRecord>(this.userKey(scope.tenant.id, sourceId, userId))) ?? null;
  }
}

import { createHash } from 'node:crypto';
import type { LogRocketRestClient } from '../../datasources/logrocket/logrocket-rest.client';
import type { LogRocketHighlightsRequest } from '../../datasources/logrocket/logrocket-rest.types';
import type { TenantScope } from '../../datasources/source-registry';
import { badUserInput } from '../../errors';
import type { LogRocketRestSources } from '../logrocket-rest-sources';
import type { RequestScope } from '../request-scope';
import { characterLength, EMAIL_PATTERN, MAX_USER_FIELD_LENGTH } from '../text-limits';
import type { WebhookUrlPolicy } from '../webhook-url-policy';
import type { HighlightsCommand } from './highlights.types';

/** Longest `question` accepted (our bound; LogRocket documents none). */
export const MAX_QUESTION_LENGTH = 2_000;

/** A validated ask: where it goes, what is posted, and the digest identical asks share. */
export interface PreparedHighlightsAsk {
  readonly client: LogRocketRestClient;
  readonly tenant: TenantScope;
  readonly body: Omit<LogRocketHighlightsRequest, 'webhookURL'>;
  /** Digest of the user, range and question: equal for asks that may share one LogRocket request. */
  readonly identity: string;
  /** The client's webhook, normalised by the policy; null when none was given. */
  readonly webhookUrl: string | null;
}

/** What {@link prepareHighlightsAsk} resolves sources and checks webhook URLs with. */
export interface HighlightsAskChecks {
  readonly sources: LogRocketRestSources;
  readonly webhookPolicy: WebhookUrlPolicy;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * Checks a `HighlightsInput` before anything is posted or stored: exactly one of `userEmail` and
 * `userId` within LogRocket's limits, `to` after `from`, a `question` of at most
 * {@link MAX_QUESTION_LENGTH} characters, a source the tenant may read, and a webhook URL the
 * policy accepts. Every refusal is BAD_USER_INPUT naming the field (UNSUPPORTED_BY_SOURCE for a
 * source that is not LogRocket's).
 */
export async function prepareHighlightsAsk(
  scope: RequestScope,
  input: HighlightsCommand,
  checks: HighlightsAskChecks,
): Promise<PreparedHighlightsAsk> {
  const email = input.userEmail ?? null;
  const userId = input.userId ?? null;
  if ((email === null) === (userId === null)) {
    throw badUserInput('Give exactly one of `userEmail` and `userId`.', email === null ? 'userId' : 'userEmail');
  }
  if (email !== null && (characterLength(email) > MAX_USER_FIELD_LENGTH || !EMAIL_PATTERN.test(email))) {
    throw badUserInput('`userEmail` must be an email address such as jane@example.com.', 'userEmail');
  }
  if (userId !== null && (userId.trim() === '' || characterLength(userId) > MAX_USER_FIELD_LENGTH)) {
    throw badUserInput(`\`userId\` must be 1 to ${MAX_USER_FIELD_LENGTH} characters.`, 'userId');
  }
  const from = input.from ?? null;
  const to = input.to ?? null;
  if (from !== null && to !== null && from.key >= to.key) throw badUserInput('`to` must be later than `from`.', 'to');
  const question = input.question === '' ? null : (input.question ?? null);
  if (question !== null && characterLength(question) > MAX_QUESTION_LENGTH) {
    throw badUserInput(`\`question\` must be at most ${MAX_QUESTION_LENGTH} characters.`, 'question');
  }
  const client = checks.sources.resolve(scope, input.source);
  const webhookUrl =
    input.webhookUrl === null || input.webhookUrl === undefined ? null : await checks.webhookPolicy.accept(input.webhookUrl, 'webhookUrl');
  const timeRange =
    from === null && to === null ? undefined : { ...(from ? { startMs: from.epochMs } : {}), ...(to ? { endMs: to.epochMs } : {}) };
  const body = {
    ...(email !== null ? { userEmail: email } : { userID: userId! }),
    ...(question !== null ? { question } : {}),
    ...(timeRange ? { timeRange } : {}),
  };
  const identity = sha256(
    JSON.stringify([email !== null ? 'email' : 'id', email ?? userId, from?.epochMs ?? null, to?.epochMs ?? null, question]),
  );
  return { client, tenant: scope.tenant, body, identity, webhookUrl };
}

import type { RegisteredProvider } from '../datasources/providers';

/** Provider names as the schema's `Provider` enum spells them, one per registered provider. */
export type ProviderKind = RegisteredProvider['kind'];

/** Who performed an audited action. */
export type ActorType = 'USER' | 'API_KEY' | 'APPLICATION' | 'DEVICE' | 'FLOW' | 'SYSTEM' | 'UNKNOWN';

/** A source as a tenant sees it: a configured provider account. */
export interface SourceRef {
  /** The config id, e.g. `zendesk`; also the `Source.name` field. */
  readonly id: string;
  readonly provider: ProviderKind;
}

/** One audit event, normalised from any provider (see the contract's "Normalising events"). */
export interface AuditEventRecord {
  readonly sourceId: string;
  /** The provider's id; for LogRocket a stable synthetic one. */
  readonly nativeId: string;
  /** UTC ISO 8601 at the provider's own precision, e.g. `2024-02-02T20:48:40.376852Z`. */
  readonly occurredAt: string;
  /** Fixed-width (nanosecond) form of occurredAt: compares correctly as a plain string. */
  readonly timeKey: string;
  readonly action: string;
  readonly description: string | null;
  readonly actor: {
    readonly id: string | null;
    readonly name: string | null;
    readonly email: string | null;
    readonly type: ActorType;
  };
  readonly target: { readonly id: string | null; readonly type: string | null; readonly name: string | null } | null;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly request: { readonly method: string | null; readonly path: string | null; readonly statusCode: number | null } | null;
  /** The provider's record exactly as received. */
  readonly raw: unknown;
}

/** `order` argument of `auditEvents`. */
export type EventOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

/** The caller's filter, already validated and with times normalised to time keys. */
export interface EventFilter {
  /** Inclusive lower bound (time key). */
  readonly occurredAfter?: string;
  /** Exclusive upper bound (time key). */
  readonly occurredBefore?: string;
  readonly actions?: readonly string[];
  readonly actorIds?: readonly string[];
  readonly actorTypes?: readonly ActorType[];
  readonly targetTypes?: readonly string[];
  readonly targetIds?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

/** One LogRocket audit log entry as the API sends it. */
export interface LogRocketAuditLog {
  /** Display text without a zone; ignored. */
  readonly time?: string;
  /** ISO 8601 with microseconds. */
  readonly created_date: string;
  /** An email or a system id. */
  readonly user?: string | null;
  readonly action: string;
  readonly description?: string | null;
}

/** `GET /v1/orgs/{org}/apps/{app}/audit/logs/` response. */
export interface LogRocketAuditLogPage {
  readonly has_next: boolean;
  /** Epoch ms at first, opaque afterwards; may arrive as a JSON number. */
  readonly cursor?: string | number | null;
  readonly logs: readonly LogRocketAuditLog[];
}

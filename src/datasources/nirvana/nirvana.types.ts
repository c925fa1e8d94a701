/** One Nirvana Labs audit log as the API sends it. */
export interface NirvanaAuditLog {
  /** UUID. */
  readonly id: string;
  readonly action: string;
  readonly actor?: { readonly id?: string | null; readonly name?: string | null; readonly type?: string | null } | null;
  readonly client_ip?: string | null;
  /** RFC 3339. */
  readonly created_at: string;
  readonly method?: string | null;
  readonly path?: string | null;
  readonly status_code?: number | null;
  readonly user_agent?: string | null;
  readonly target?: { readonly id?: string | null; readonly type?: string | null } | null;
}

/** `GET /v1/audit_logs` response. */
export interface NirvanaAuditLogPage {
  readonly items: readonly NirvanaAuditLog[];
  readonly pagination: {
    /** Null on the last page. */
    readonly next_cursor?: string | null;
    readonly previous_cursor?: string | null;
    readonly total_count?: number | null;
  };
}

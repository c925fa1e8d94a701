/** One Zendesk Support audit log as the API sends it. */
export interface ZendeskAuditLog {
  readonly id: number;
  readonly action: string;
  readonly action_label?: string | null;
  readonly actor_id?: number | null;
  readonly actor_name?: string | null;
  readonly change_description?: string | null;
  /** ISO 8601, second precision. */
  readonly created_at: string;
  readonly ip_address?: string | null;
  readonly source_id?: number | null;
  readonly source_label?: string | null;
  readonly source_type?: string | null;
  readonly url?: string;
}

/** Cursor-mode list response (only when `page[size]` is sent). */
export interface ZendeskAuditLogPage {
  readonly audit_logs: readonly ZendeskAuditLog[];
  readonly meta: { readonly has_more: boolean; readonly after_cursor?: string | null; readonly before_cursor?: string | null };
  readonly links?: { readonly next?: string | null; readonly prev?: string | null };
}

/** `GET /api/v2/audit_logs/{id}` response. */
export interface ZendeskSingleAuditLog {
  readonly audit_log: ZendeskAuditLog;
}

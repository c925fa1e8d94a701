/** One Losant audit log as the API sends it. */
export interface LosantAuditLog {
  readonly id: string;
  readonly auditLogId?: string;
  /** ISO 8601 with milliseconds. */
  readonly creationDate: string;
  readonly orgId?: string;
  readonly primaryTargetId?: string | null;
  readonly primaryTargetType?: string | null;
  readonly primaryTargetName?: string | null;
  readonly secondaryTargetId?: string | null;
  readonly secondaryTargetType?: string | null;
  readonly secondaryTargetName?: string | null;
  readonly actorId?: string | null;
  /** Application, Device, Flow, User, ApiToken. */
  readonly actorType?: string | null;
  readonly actorName?: string | null;
  readonly requestResource?: string | null;
  readonly requestAction?: string | null;
  readonly requestQueryParams?: unknown;
  readonly requestBody?: unknown;
  readonly requestPathParams?: unknown;
  readonly responseBody?: unknown;
  readonly responseStatus?: number | null;
}

/** `GET /orgs/{orgId}/audit-logs` response. */
export interface LosantAuditLogPage {
  readonly items: readonly LosantAuditLog[];
  readonly count: number;
  readonly totalCount: number;
  readonly perPage: number;
  readonly page: number;
  readonly sortField?: string;
  readonly sortDirection?: string;
  readonly orgId?: string;
}

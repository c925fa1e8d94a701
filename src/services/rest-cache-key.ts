/**
 * A cache key of the users/highlights caches. Every key names the tenant and the source, so one
 * tenant never reads what another cached, even for a source both may read.
 */
export function restCacheKey(kind: string, tenantId: string, sourceId: string, ...parts: string[]): string {
  return [kind, encodeURIComponent(tenantId), sourceId, ...parts.map((part) => encodeURIComponent(part))].join(':');
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { ALL_SOURCES, type AppConfig } from '../config/config.schema';

/** An authenticated caller and the sources it may see; any other source does not exist to it. */
export interface Tenant {
  readonly id: string;
  /** Granted source ids, with `*` expanded to every configured source. */
  readonly sourceIds: ReadonlySet<string>;
}

/** Maps an `Authorization` header to the tenant it authenticates. */
export interface TenantResolver {
  /** The tenant of a `Bearer <key>` header, or null; in demo mode always the demo tenant. */
  resolve(authorizationHeader: string | undefined): Tenant | null;
  /** Every configured tenant. */
  tenants(): Tenant[];
}

const BEARER = /^bearer +(\S+)$/i;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Builds the resolver of a config. Keys are held only as SHA-256 digests and compared with
 * `timingSafeEqual`, so neither lookup nor comparison time depends on how much of a key matches.
 */
export function createTenantResolver(config: AppConfig): TenantResolver {
  const allSourceIds = config.sources.map((source) => source.id);
  const tenants: Tenant[] = config.tenants.map((tenant) =>
    Object.freeze({
      id: tenant.id,
      sourceIds: new Set(tenant.sources.includes(ALL_SOURCES) ? allSourceIds : tenant.sources),
    }),
  );

  if (config.demo) {
    const demoTenant = tenants[0] ?? null;
    return { resolve: () => demoTenant, tenants: () => [...tenants] };
  }

  const byDigest = new Map<string, { digest: Buffer; tenant: Tenant }>();
  config.tenants.forEach((tenant, index) => {
    for (const key of tenant.apiKeys) {
      const digest = sha256(key);
      byDigest.set(digest.toString('hex'), { digest, tenant: tenants[index]! });
    }
  });

  return {
    resolve(authorizationHeader) {
      const token = BEARER.exec(authorizationHeader?.trim() ?? '')?.[1];
      if (token === undefined) return null;
      const digest = sha256(token);
      const entry = byDigest.get(digest.toString('hex'));
      return entry && timingSafeEqual(entry.digest, digest) ? entry.tenant : null;
    },
    tenants: () => [...tenants],
  };
}

import { LRUCache } from 'lru-cache';

/** Bounds of a {@link TenantBoundedMap}. */
export interface TenantBoundedMapOptions {
  /** Most bytes all entries together may take, as `sizeOf` estimates them. */
  readonly maxBytes: number;
  /** Most bytes the entries of one tenant may take; at most `maxBytes`. */
  readonly maxBytesPerTenant: number;
  /** The tenant a key belongs to. */
  readonly tenantOf: (key: string) => string;
  /** Estimated bytes an entry keeps in memory, computed once when it is set; default {@link estimateEntryBytes}. */
  readonly sizeOf?: (key: string, value: unknown) => number;
}

/** What the map holds, for tests and logs. */
export interface TenantBoundedMapUsage {
  /** Estimated bytes of every entry. */
  readonly bytes: number;
  readonly entries: number;
  /** Estimated bytes by tenant. */
  readonly tenants: ReadonlyMap<string, number>;
}

/**
 * Heap bytes of an entry beyond its key and its value's JSON: the LRU's slots, the key maps and
 * the store's wrapper objects. Measured (Node 20, empty native pages): about 650 heap bytes
 * an entry against some 150 of key and JSON.
 */
export const ENTRY_OVERHEAD_BYTES = 500;

/**
 * Heap bytes per byte of JSON. Values are kept as parsed objects: their property names are
 * shared, but every object, array and string has a header. Measured on full native pages of the
 * four providers (Node 20): 0.98 (Nirvana) to 1.11 (Losant, LogRocket) heap bytes per JSON byte;
 * the larger figure rounded up, so that the bound holds for all of them.
 */
export const HEAP_BYTES_PER_JSON_BYTE = 1.15;

/**
 * A value may state how many UTF-8 bytes its JSON takes, so that the store need not serialise it
 * to size it (that was 7% of a busy gateway's CPU). Whoever sets it guarantees it is no less than
 * the real figure. JSON leaves symbol keys out, so Redis never sees it.
 */
export const JSON_BYTES = Symbol('auditgraph.jsonBytes');

function declaredJsonBytes(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // Keyv hands the store its own wrapper, `{ value, expires }`.
  const inner = (value as { value?: unknown }).value;
  const declared =
    (typeof inner === 'object' && inner !== null ? (inner as Record<symbol, unknown>)[JSON_BYTES] : undefined) ??
    (value as Record<symbol, unknown>)[JSON_BYTES];
  return typeof declared === 'number' && declared >= 0 ? declared : undefined;
}

/**
 * An entry's estimated footprint: its key, its value's JSON in UTF-8 (what Redis would hold, as
 * the value declares it or else measured) scaled to the heap, and a fixed overhead. A value that
 * cannot be written as JSON throws, as it would on Redis.
 */
export function estimateEntryBytes(key: string, value: unknown): number {
  let jsonBytes = declaredJsonBytes(value);
  if (jsonBytes === undefined) {
    const json = JSON.stringify(value);
    jsonBytes = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  }
  return ENTRY_OVERHEAD_BYTES + key.length + jsonBytes * HEAP_BYTES_PER_JSON_BYTE;
}

interface Entry {
  readonly value: unknown;
}

/**
 * A Map-shaped store for Keyv bounded in bytes, with a share per tenant: each tenant's entries
 * live in an LRU of their own capped at `maxBytesPerTenant`, so a tenant that floods the cache
 * with distinct keys only ever evicts its own entries. When all tenants together exceed
 * `maxBytes`, the least recently used entry of whichever tenant holds the most is dropped: a
 * tenant's entries give way to others' only while it holds more than any of them.
 * Entries larger than a tenant's share are not kept.
 */
export class TenantBoundedMap {
  private readonly tenants = new Map<string, LRUCache<string, Entry>>();
  private readonly sizeOf: (key: string, value: unknown) => number;

  constructor(private readonly options: TenantBoundedMapOptions) {
    if (!(options.maxBytesPerTenant > 0 && options.maxBytes > 0)) throw new RangeError('byte bounds must be positive');
    this.sizeOf = options.sizeOf ?? estimateEntryBytes;
  }

  get(key: string): unknown {
    return this.tenants.get(this.options.tenantOf(key))?.get(key)?.value;
  }

  has(key: string): boolean {
    return this.tenants.get(this.options.tenantOf(key))?.has(key) ?? false;
  }

  /** Stores `value` (for `ttlMs` when given, as Keyv passes it); false when it is too large to keep. */
  set(key: string, value: unknown, ttlMs?: number): boolean {
    const tenant = this.options.tenantOf(key);
    const size = Math.max(1, Math.ceil(this.sizeOf(key, value)));
    const share = Math.min(this.options.maxBytesPerTenant, this.options.maxBytes);
    let lru = this.tenants.get(tenant);
    if (size > share) {
      if (lru) this.drop(tenant, lru, key);
      return false;
    }
    if (!lru) {
      lru = new LRUCache<string, Entry>({ maxSize: share });
      this.tenants.set(tenant, lru);
    }
    lru.set(key, { value }, { size, ...(ttlMs !== undefined && ttlMs > 0 ? { ttl: ttlMs } : {}) });
    this.shrinkToTotal();
    return true;
  }

  delete(key: string): boolean {
    const tenant = this.options.tenantOf(key);
    const lru = this.tenants.get(tenant);
    return lru ? this.drop(tenant, lru, key) : false;
  }

  clear(): void {
    for (const lru of this.tenants.values()) lru.clear();
    this.tenants.clear();
  }

  /** Frees the entries whose TTL has passed (otherwise freed only when read or evicted). */
  purgeStale(): void {
    for (const [tenant, lru] of this.tenants) {
      lru.purgeStale();
      if (lru.size === 0) this.tenants.delete(tenant);
    }
  }

  usage(): TenantBoundedMapUsage {
    const tenants = new Map<string, number>();
    let bytes = 0;
    let entries = 0;
    for (const [tenant, lru] of this.tenants) {
      tenants.set(tenant, lru.calculatedSize);
      bytes += lru.calculatedSize;
      entries += lru.size;
    }
    return { bytes, entries, tenants };
  }

  private drop(tenant: string, lru: LRUCache<string, Entry>, key: string): boolean {
    const deleted = lru.delete(key);
    if (lru.size === 0) this.tenants.delete(tenant);
    return deleted;
  }

  private shrinkToTotal(): void {
    let total = 0;
    for (const lru of this.tenants.values()) total += lru.calculatedSize;
    while (total > this.options.maxBytes) {
      let largest: [string, LRUCache<string, Entry>] | undefined;
      for (const pair of this.tenants) if (!largest || pair[1].calculatedSize > largest[1].calculatedSize) largest = pair;
      if (!largest) return;
      const [tenant, lru] = largest;
      const before = lru.calculatedSize;
      lru.pop();
      if (lru.size === 0) this.tenants.delete(tenant);
      if (lru.calculatedSize === before) return;
      total -= before - lru.calculatedSize;
    }
  }
}

/**
 * The tenant of a store key: its second `:`-separated part once `namespace:` is removed
 * (`page:<tenant>:…`, `apq:<tenant>:…`, `highlights:<tenant>:…`); keys without one share the
 * bucket of the empty tenant.
 */
export function tenantOfKey(namespace: string | undefined): (key: string) => string {
  const prefix = namespace ? `${namespace}:` : '';
  return (key) => {
    const start = key.startsWith(prefix) ? prefix.length : 0;
    const first = key.indexOf(':', start);
    if (first < 0) return '';
    const second = key.indexOf(':', first + 1);
    return key.slice(first + 1, second < 0 ? key.length : second);
  };
}

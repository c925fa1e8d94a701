import fc from 'fast-check';
import {
  ENTRY_OVERHEAD_BYTES,
  estimateEntryBytes,
  JSON_BYTES,
  HEAP_BYTES_PER_JSON_BYTE,
  TenantBoundedMap,
  tenantOfKey,
} from '../../../../src/datasources/cache/tenant-bounded-map';

/** Values carry their own size, so the properties choose sizes directly. */
const sized = (bytes: number) => ({ bytes });
const sizeOf = (_key: string, value: unknown) => (value as { bytes: number }).bytes;
const tenantOf = tenantOfKey(undefined);

function mapOf(maxBytes: number, maxBytesPerTenant: number) {
  return new TenantBoundedMap({ maxBytes, maxBytesPerTenant, tenantOf, sizeOf });
}

const operation = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    tenant: fc.integer({ min: 0, max: 5 }),
    key: fc.integer({ min: 0, max: 40 }),
    bytes: fc.integer({ min: 1, max: 600 }),
  }),
  fc.record({ op: fc.constant('delete' as const), tenant: fc.integer({ min: 0, max: 5 }), key: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('get' as const), tenant: fc.integer({ min: 0, max: 5 }), key: fc.integer({ min: 0, max: 40 }) }),
);

describe('the byte-bounded store', () => {
  it('after any sequence of sets, deletes and reads, holds at most maxBytes, each tenant at most its share, and accounts exactly what it holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500, max: 3_000 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.array(operation, { minLength: 1, maxLength: 200, size: 'max' }),
        (maxBytes, fraction, operations) => {
          const share = Math.max(1, Math.floor(maxBytes * fraction));
          const map = mapOf(maxBytes, share);
          const written = new Map<string, number>();
          for (const step of operations) {
            const key = `page:t${step.tenant}:k${step.key}`;
            if (step.op === 'set') {
              map.set(key, sized(step.bytes));
              written.set(key, step.bytes);
            } else if (step.op === 'delete') {
              map.delete(key);
              written.delete(key);
            } else {
              const value = map.get(key) as { bytes: number } | undefined;
              // Whatever is read back is the last value written under that key.
              if (value !== undefined) expect(value.bytes).toBe(written.get(key));
            }
            const usage = map.usage();
            expect(usage.bytes).toBeLessThanOrEqual(maxBytes);
            for (const bytes of usage.tenants.values()) expect(bytes).toBeLessThanOrEqual(share);
            let held = 0;
            for (const [k, bytes] of written) if (map.has(k)) held += bytes;
            expect(held).toBe(usage.bytes);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never evicts a tenant holding no more than an even split of the store, whatever the others write', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({
            tenant: fc.integer({ min: 1, max: 3 }),
            key: fc.integer({ min: 0, max: 500 }),
            bytes: fc.integer({ min: 1, max: 250 }),
          }),
          { maxLength: 400, size: 'max' },
        ),
        (victimSizes, flood) => {
          const maxBytes = 4_000;
          const map = mapOf(maxBytes, maxBytes / 2);
          // The victim holds at most maxBytes / tenants (1,000 bytes), the others write freely.
          victimSizes.forEach((bytes, i) => map.set(`page:t0:v${i}`, sized(bytes)));
          // Each of the others fills its share: 6,000 bytes wanted where 3,000 are left.
          for (let tenant = 1; tenant <= 3; tenant++) for (let n = 0; n < 10; n++) map.set(`page:t${tenant}:fill${n}`, sized(200));
          for (const step of flood) map.set(`page:t${step.tenant}:f${step.key}`, sized(step.bytes));
          victimSizes.forEach((bytes, i) => expect(map.get(`page:t0:v${i}`)).toEqual(sized(bytes)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('evicts a tenant over its share from its own least recently used entries', () => {
    const map = mapOf(10_000, 300);
    map.set('page:a:1', sized(100));
    map.set('page:a:2', sized(100));
    map.set('page:a:3', sized(100));
    map.get('page:a:1');
    map.set('page:a:4', sized(100));
    expect(map.has('page:a:2')).toBe(false);
    expect(['page:a:1', 'page:a:3', 'page:a:4'].every((key) => map.has(key))).toBe(true);
    expect(map.usage().tenants.get('a')).toBe(300);
  });

  it('when full, takes room from the tenant that holds the most', () => {
    const map = mapOf(1_000, 1_000);
    map.set('page:small:1', sized(200));
    map.set('page:big:1', sized(300));
    map.set('page:big:2', sized(300));
    map.set('page:other:1', sized(250));
    expect(map.has('page:big:1')).toBe(false);
    expect(map.has('page:small:1')).toBe(true);
    expect(map.usage().bytes).toBe(750);
  });

  it('does not keep an entry larger than a share, and drops the value it replaced', () => {
    const map = mapOf(1_000, 250);
    map.set('page:a:1', sized(100));
    expect(map.set('page:a:1', sized(251))).toBe(false);
    expect(map.get('page:a:1')).toBeUndefined();
    expect(map.usage()).toEqual({ bytes: 0, entries: 0, tenants: new Map() });
  });

  it('frees expired entries on a sweep, without their being read', async () => {
    const map = mapOf(1_000, 1_000);
    map.set('page:a:short', sized(100), 20);
    map.set('page:a:long', sized(100), 60_000);
    map.set('page:b:forever', sized(100));
    await new Promise((resolve) => setTimeout(resolve, 50));
    map.purgeStale();
    expect(map.usage().bytes).toBe(200);
    expect(map.get('page:a:long')).toEqual(sized(100));
  });

  it('estimates an entry from its key and the UTF-8 bytes of its JSON, and refuses what JSON cannot hold', () => {
    const value = { events: [{ id: 'é', n: 1 }] };
    const json = Buffer.byteLength(JSON.stringify(value), 'utf8');
    expect(estimateEntryBytes('page:a:k', value)).toBe(ENTRY_OVERHEAD_BYTES + 'page:a:k'.length + json * HEAP_BYTES_PER_JSON_BYTE);
    expect(() => estimateEntryBytes('k', { n: BigInt(1) })).toThrow();
  });

  it('takes the JSON size a value declares, directly or inside the wrapper Keyv hands the store, instead of serialising it', () => {
    const page = { events: [{ id: 'x' }], [JSON_BYTES]: 10_000 };
    const expected = ENTRY_OVERHEAD_BYTES + 'page:a:k'.length + 10_000 * HEAP_BYTES_PER_JSON_BYTE;
    expect(estimateEntryBytes('page:a:k', page)).toBe(expected);
    expect(estimateEntryBytes('page:a:k', { value: page, expires: 1 })).toBe(expected);
    // A declaration that cannot be a size is ignored.
    const bogus = { events: [], [JSON_BYTES]: -1 };
    expect(estimateEntryBytes('k', bogus)).toBe(
      ENTRY_OVERHEAD_BYTES + 1 + Buffer.byteLength(JSON.stringify(bogus)) * HEAP_BYTES_PER_JSON_BYTE,
    );
    // Values that are not objects are measured.
    expect(estimateEntryBytes('k', 1)).toBe(ENTRY_OVERHEAD_BYTES + 1 + 1 * HEAP_BYTES_PER_JSON_BYTE);
  });
});

describe('the tenant of a key', () => {
  it('is the second part once the namespace is removed', () => {
    const of = tenantOfKey('auditgraph');
    expect(of('auditgraph:page:acme:zendesk:c:d')).toBe('acme');
    expect(of('auditgraph:apq:beta:' + 'a'.repeat(64))).toBe('beta');
    expect(of('auditgraph:highlights:a%3Ab:lr:x')).toBe('a%3Ab');
    expect(of('auditgraph:ping:12')).toBe('12');
    expect(of('auditgraph:plain')).toBe('');
    expect(tenantOfKey(undefined)('users:t:s:u')).toBe('t');
  });
});

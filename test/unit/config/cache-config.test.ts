import { ConfigError } from '../../../src/errors';
import { parseConfig } from '../../../src/config/load-config';
import { minimalConfig } from './config-fixtures';

/** The freshness defaults a file without them gets. */
const DEFAULT_FRESHNESS = { settleSeconds: 600, settledPageTtlSeconds: 3600, shareAcrossWalks: true };

function parseWithCache(cache: unknown) {
  return parseConfig(JSON.stringify({ ...minimalConfig(), cache }), { format: 'json', env: {} });
}

function problemsWithCache(cache: unknown): string[] {
  try {
    parseWithCache(cache);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('cache freshness settings', () => {
  it('are optional: the defaults apply when absent', () => {
    expect(parseWithCache(undefined).cache).toEqual(DEFAULT_FRESHNESS);
  });

  it('take the settle window, the settled TTL and cross-walk sharing', () => {
    expect(parseWithCache({ settleSeconds: 120, settledPageTtlSeconds: 300, shareAcrossWalks: false }).cache).toEqual({
      settleSeconds: 120,
      settledPageTtlSeconds: 300,
      shareAcrossWalks: false,
    });
  });

  it('name the path of a bad value', () => {
    const problems = problemsWithCache({ settleSeconds: 0, settledPageTtlSeconds: 'long', shareAcrossWalks: 'no', ttl: 5 });
    expect(problems.some((p) => p.startsWith('cache.settleSeconds:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('cache.settledPageTtlSeconds:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('cache.shareAcrossWalks:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('cache.ttl:') || p.includes('ttl'))).toBe(true);
  });
});

describe('cache byte bounds', () => {
  it("take the store's bytes and a tenant's share, as integers or numeric strings", () => {
    expect(parseWithCache({ maxBytes: 64 * 1024 * 1024, maxBytesPerTenant: '16777216' }).cache).toEqual({
      ...DEFAULT_FRESHNESS,
      maxBytes: 67_108_864,
      maxBytesPerTenant: 16_777_216,
    });
    expect(parseWithCache({ maxBytesPerTenant: 1_048_576 }).cache).toEqual({ ...DEFAULT_FRESHNESS, maxBytesPerTenant: 1_048_576 });
  });

  it('refuse a bound too small to hold a page or a share larger than the store, naming the path', () => {
    expect(problemsWithCache({ maxBytes: 1000 }).some((p) => p.startsWith('cache.maxBytes:'))).toBe(true);
    expect(problemsWithCache({ maxBytesPerTenant: -1 }).some((p) => p.startsWith('cache.maxBytesPerTenant:'))).toBe(true);
    expect(problemsWithCache({ maxBytes: 2_097_152, maxBytesPerTenant: 4_194_304 })).toEqual([
      'cache.maxBytesPerTenant: must not exceed cache.maxBytes',
    ]);
  });
});

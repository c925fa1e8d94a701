import { ConfigError } from '../../../src/errors';
import { parseConfig } from '../../../src/config/load-config';
import { minimalConfig } from './config-fixtures';

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
    expect(parseWithCache(undefined).cache).toEqual({});
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

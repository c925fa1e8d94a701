import { ConfigError } from '../../../src/errors';
import { interpolateEnv } from '../../../src/config/env-interpolation';
import { parseConfig } from '../../../src/config/load-config';
import { VALID_ENV, VALID_YAML } from './config-fixtures';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('interpolateEnv', () => {
  it('replaces ${NAME} anywhere in every string of the tree', () => {
    const tree = { a: 'x-${A}-y', list: ['${B}', 3, true, null, { deep: '${A}${B}' }], n: 1 };
    expect(interpolateEnv(tree, { A: 'one', B: 'two' })).toEqual({
      a: 'x-one-y',
      list: ['two', 3, true, null, { deep: 'onetwo' }],
      n: 1,
    });
  });

  it('leaves keys alone and does not modify its input', () => {
    const tree = { '${A}': '${A}' };
    expect(interpolateEnv(tree, { A: 'v' })).toEqual({ '${A}': 'v' });
    expect(tree).toEqual({ '${A}': '${A}' });
  });

  it('substitutes once: a value that contains ${...} is not expanded again', () => {
    expect(interpolateEnv('${A}', { A: '${B}', B: 'no' })).toBe('${B}');
  });

  it('allows an empty variable', () => {
    expect(interpolateEnv('a${E}b', { E: '' })).toBe('ab');
  });

  it('turns $${ into a literal ${ without a lookup', () => {
    expect(interpolateEnv({ s: 'pa$${NOT_SET}ss' }, {})).toEqual({ s: 'pa${NOT_SET}ss' });
    expect(interpolateEnv('$${A} ${A} $A {A}', { A: 'v' })).toBe('${A} v $A {A}');
  });

  it('names the variable and the path of every missing variable', () => {
    const tree = { sources: [{ apiKey: 'ok' }, { apiKey: '${ZENDESK_API_TOKEN}' }], tenants: [{ apiKeys: ['${K1}', '${K2}'] }] };
    expect(problemsOf(() => interpolateEnv(tree, { K1: 'k' }))).toEqual([
      'sources[1].apiKey: environment variable ZENDESK_API_TOKEN is not set',
      'tenants[0].apiKeys[1]: environment variable K2 is not set',
    ]);
  });

  it('does not take inherited properties for variables', () => {
    expect(problemsOf(() => interpolateEnv({ a: '${constructor}' }, {}))).toEqual(['a: environment variable constructor is not set']);
  });

  it('reports a malformed reference with its path', () => {
    for (const text of ['${1A}', '${A', '${}', '${A-B}']) {
      expect(problemsOf(() => interpolateEnv({ x: [text] }, { A: 'v' }))).toEqual([
        expect.stringMatching(/^x\[0\]: "\$\{" must start a reference/),
      ]);
    }
  });
});

describe('parseConfig with environment variables', () => {
  it('reports a missing variable at its config path', () => {
    const env = { ...VALID_ENV };
    delete (env as Record<string, string | undefined>).ZENDESK_API_TOKEN;
    expect(problemsOf(() => parseConfig(VALID_YAML, { format: 'yaml', env }))).toEqual([
      'sources[2].apiToken: environment variable ZENDESK_API_TOKEN is not set',
    ]);
  });
});

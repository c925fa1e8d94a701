import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors';
import { parseSources, resolveConfig } from '../../../src/config/config.schema';
import { demoConfig, loadConfig, parseConfig, readListenOverrides, resolveConfigPath } from '../../../src/config/load-config';
import { minimalConfig, VALID_ENV, VALID_YAML } from './config-fixtures';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfigPath', () => {
  it('takes --config FILE and --config=FILE, the last one winning', () => {
    expect(resolveConfigPath(['--config', 'a.yaml'], {})).toBe('a.yaml');
    expect(resolveConfigPath(['--config=b.json'], {})).toBe('b.json');
    expect(resolveConfigPath(['--config', 'a.yaml', '--config=b.json'], {})).toBe('b.json');
  });

  it('prefers --config to AUDITGRAPH_CONFIG', () => {
    expect(resolveConfigPath(['--config', 'cli.yaml'], { AUDITGRAPH_CONFIG: 'env.yaml' })).toBe('cli.yaml');
    expect(resolveConfigPath(['--other'], { AUDITGRAPH_CONFIG: 'env.yaml' })).toBe('env.yaml');
  });

  it('returns undefined when nothing names a file', () => {
    expect(resolveConfigPath([], {})).toBeUndefined();
    expect(resolveConfigPath([], { AUDITGRAPH_CONFIG: '' })).toBeUndefined();
  });

  it('rejects --config without a file name', () => {
    for (const argv of [['--config'], ['--config='], ['--config', '--verbose']]) {
      expect(configErrorOf(() => resolveConfigPath(argv, {})).problems[0]).toMatch(/^--config: a file name is required/);
    }
  });
});

describe('HOST and PORT overrides', () => {
  const yaml = VALID_YAML;

  it('override the configured listen address', () => {
    const config = parseConfig(yaml, { format: 'yaml', env: { ...VALID_ENV, HOST: '::', PORT: '9090' } });
    expect(config.server).toMatchObject({ host: '::', port: 9090 });
  });

  it('are ignored when empty', () => {
    const config = parseConfig(yaml, { format: 'yaml', env: { ...VALID_ENV, HOST: '', PORT: '' } });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8080 });
  });

  it.each(['abc', '70000', '-1', '80.5', '1e3'])('reject PORT=%s', (port) => {
    const error = configErrorOf(() => parseConfig(yaml, { format: 'yaml', env: { ...VALID_ENV, PORT: port } }));
    expect(error.problems).toEqual(['PORT: must be an integer from 0 to 65535']);
  });

  it('accept PORT=0', () => {
    expect(readListenOverrides({ PORT: '0' })).toEqual({ port: 0 });
    expect(readListenOverrides({})).toEqual({});
  });
});

describe('loadConfig', () => {
  it('returns null without a config path (demo mode)', async () => {
    const readFile = jest.fn();
    await expect(loadConfig({ argv: [], env: {}, readFile })).resolves.toBeNull();
    expect(readFile).not.toHaveBeenCalled();
  });

  it('reads the file named by --config, as YAML or by extension as JSON', async () => {
    const files: Record<string, string> = { 'conf.yaml': VALID_YAML, 'conf.json': JSON.stringify(minimalConfig()) };
    const readFile = async (path: string) => files[path]!;
    const fromYaml = await loadConfig({ argv: ['--config', 'conf.yaml'], env: VALID_ENV, readFile });
    expect(fromYaml?.sources).toHaveLength(5);
    const fromJson = await loadConfig({ argv: [], env: { AUDITGRAPH_CONFIG: 'conf.json' }, readFile });
    expect(fromJson?.sources.map((s) => s.id)).toEqual(['lr-web', 'zendesk']);
  });

  it('names the file in parse errors', async () => {
    const readFile = async () => '{"cursorSecret": 1}';
    await expect(loadConfig({ argv: ['--config=broken.json'], env: {}, readFile })).rejects.toThrow(
      /Invalid configuration in broken\.json/,
    );
  });

  it('reads from disk by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditgraph-config-'));
    try {
      const file = join(dir, 'auditgraph.yml');
      writeFileSync(file, VALID_YAML);
      const config = await loadConfig({ argv: ['--config', file], env: VALID_ENV });
      expect(config?.tenants.map((t) => t.id)).toEqual(['acme', 'support']);
      await expect(loadConfig({ argv: ['--config', join(dir, 'missing.yaml')], env: {} })).rejects.toMatchObject({
        name: 'ConfigError',
        problems: [`${join(dir, 'missing.yaml')}: file not found`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an unreadable file by path, never with the reader error text', async () => {
    const readFile = async () => {
      throw Object.assign(new Error('EACCES: apiKey: CANARY-contents'), { code: 'EACCES' });
    };
    const promise = loadConfig({ argv: [], env: { AUDITGRAPH_CONFIG: '/etc/auditgraph.yaml' }, readFile });
    const error = (await promise.catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('/etc/auditgraph.yaml');
    expect(error.problems).toEqual(['/etc/auditgraph.yaml: permission denied']);
    expect(JSON.stringify([error.message, error.problems])).not.toContain('CANARY');
  });
});

describe('demoConfig', () => {
  const sources = parseSources([
    {
      id: 'logrocket',
      provider: 'logrocket',
      baseUrl: 'http://127.0.0.1:5001',
      orgId: 'o',
      appId: 'a',
      apiKey: 'k',
      timeoutMs: 10000,
      retries: 2,
      maxConnections: 8,
    },
    { id: 'nirvana', provider: 'nirvana', baseUrl: 'http://127.0.0.1:5002', apiKey: 'k', timeoutMs: 10000, retries: 2, maxConnections: 8 },
  ]);

  it('listens on loopback with introspection, one open tenant over every source', () => {
    const config = demoConfig(sources);
    expect(config.demo).toBe(true);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4000, introspection: true });
    expect(config.tenants).toEqual([{ id: 'demo', apiKeys: [], sources: ['*'] }]);
    expect(config.sources).toEqual(sources);
    expect(config.cache).toEqual({ settleSeconds: 600, settledPageTtlSeconds: 3600, shareAcrossWalks: true });
  });

  it('uses a random cursor secret that is stable within the process', () => {
    const { cursorSecret } = demoConfig(sources);
    expect(cursorSecret.length).toBeGreaterThanOrEqual(32);
    expect(demoConfig(sources).cursorSecret).toBe(cursorSecret);
  });

  it('takes PORT, and HOST only when it is 127.0.0.1', () => {
    expect(demoConfig(sources, readListenOverrides({ PORT: '4100', HOST: '127.0.0.1' })).server).toMatchObject({
      host: '127.0.0.1',
      port: 4100,
    });
    expect(configErrorOf(() => demoConfig(sources, { host: '0.0.0.0' })).problems[0]).toMatch(
      /^HOST: demo mode listens on 127\.0\.0\.1 only/,
    );
    expect(configErrorOf(() => demoConfig(sources, { port: 65536 })).problems).toEqual(['PORT: must be an integer from 0 to 65535']);
  });
});

describe('resolveConfig (a configuration built in code: tests, the bench, embedders)', () => {
  it('fills the defaults a file would get', () => {
    const config = resolveConfig({ ...minimalConfig(), demo: false } as never);
    expect(config.limits.maxCost).toBe(1000);
    expect(config.live.pollIntervalMs).toBe(5000);
    expect(config.sources.every((s) => s.pageSize > 0 && s.retries === 2)).toBe(true);
  });

  it('refuses a bad value with a ConfigError naming its path, never the value', () => {
    const config = { ...minimalConfig(), demo: false, live: { pollIntervalMs: 'CANARY-secret' } };
    let error: unknown;
    try {
      resolveConfig(config as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toEqual([expect.stringMatching(/^live\.pollIntervalMs: /)]);
    expect(JSON.stringify([(error as ConfigError).message, problems])).not.toContain('CANARY');
  });
});

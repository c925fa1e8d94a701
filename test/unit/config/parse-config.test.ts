import { parse, stringify } from 'yaml';
import { ConfigError } from '../../../src/errors';
import { parseConfig } from '../../../src/config/load-config';
import { minimalConfig, VALID_ENV, VALID_YAML } from './config-fixtures';

function problemsOf(text: string, format: 'yaml' | 'json' = 'json', env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, { format, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

/** Problems of minimalConfig() after `edit`, as JSON. */
function problemsAfter(edit: (config: Record<string, any>) => void): string[] {
  const config = minimalConfig();
  edit(config);
  return problemsOf(JSON.stringify(config));
}

describe('parseConfig: valid files', () => {
  it('parses YAML with every provider, two LogRocket sources, and fills defaults', () => {
    const config = parseConfig(VALID_YAML, { format: 'yaml', env: VALID_ENV });
    expect(config.demo).toBe(false);
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, publicUrl: 'https://audit.example.com', introspection: true });
    expect(config.cursorSecret).toBe(VALID_ENV.AUDITGRAPH_CURSOR_SECRET);
    expect(config.cache).toEqual({
      url: 'redis://127.0.0.1:6379',
      settleSeconds: 600,
      settledPageTtlSeconds: 3600,
      shareAcrossWalks: true,
    });
    expect(config.tenants).toEqual([
      { id: 'acme', apiKeys: ['acme-gateway-key'], sources: ['*'] },
      { id: 'support', apiKeys: ['support-key-1', 'support-key-2'], sources: ['zendesk', 'lr-mobile'] },
    ]);
    expect(config.sources).toEqual([
      {
        id: 'lr-web',
        provider: 'logrocket',
        baseUrl: 'https://api.logrocket.com',
        orgId: 'acme',
        appId: 'web',
        apiKey: 'lr-api-key',
        timeoutMs: 10000,
        retries: 2,
        maxConnections: 8,
        pageSize: 100,
        breakerFailures: 5,
        breakerResetMs: 30000,
      },
      {
        id: 'lr-mobile',
        provider: 'logrocket',
        baseUrl: 'http://127.0.0.1:9001',
        orgId: 'acme',
        appId: 'mobile',
        apiKey: 'lr-mobile-api-key',
        pageSize: 50,
        timeoutMs: 2500,
        retries: 0,
        maxConnections: 2,
        breakerFailures: 5,
        breakerResetMs: 30000,
      },
      {
        id: 'zendesk',
        provider: 'zendesk',
        baseUrl: 'https://acme.zendesk.com',
        email: 'admin@acme.com',
        apiToken: 'zd-api-token',
        timeoutMs: 10000,
        retries: 2,
        maxConnections: 8,
        pageSize: 100,
        // No default cap: outbound calls are paced by the quota Zendesk reports instead.
        breakerFailures: 5,
        breakerResetMs: 30000,
      },
      {
        id: 'losant',
        provider: 'losant',
        baseUrl: 'https://api.losant.com',
        orgId: '575ed6e87ae143cd83dc4aa8',
        apiToken: 'losant-api-token',
        timeoutMs: 10000,
        retries: 2,
        maxConnections: 8,
        pageSize: 100,
        breakerFailures: 5,
        breakerResetMs: 30000,
      },
      {
        id: 'nirvana',
        provider: 'nirvana',
        baseUrl: 'https://api.nirvanalabs.io',
        apiKey: 'nirvana-api-key',
        timeoutMs: 10000,
        retries: 2,
        maxConnections: 8,
        pageSize: 100,
        breakerFailures: 5,
        breakerResetMs: 30000,
      },
    ]);
    expect(config.limits).toEqual({
      maxDepth: 12,
      maxAliases: 15,
      maxDirectives: 20,
      maxTokens: 2000,
      maxRootFields: 10,
      maxEntities: 100,
      maxCost: 1000,
      maxBodyBytes: 1048576,
      requestsPerMinute: 3000,
      costPerMinute: 12000,
    });
  });

  it('parses the same config written as JSON', () => {
    const json = JSON.stringify(parse(VALID_YAML), null, 2);
    expect(parseConfig(json, { format: 'json', env: VALID_ENV })).toEqual(parseConfig(VALID_YAML, { format: 'yaml', env: VALID_ENV }));
  });

  it('defaults the server section and introspection off in a file', () => {
    const config = parseConfig(JSON.stringify(minimalConfig()), { format: 'json', env: {} });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4000, introspection: false });
    expect(config.cache).toEqual({ settleSeconds: 600, settledPageTtlSeconds: 3600, shareAcrossWalks: true });
  });

  it('accepts a zendesk source with oauthToken only, and rediss:// caches', () => {
    const config = minimalConfig();
    config.sources[1] = { id: 'zendesk', provider: 'zendesk', baseUrl: 'https://acme.zendesk.com', oauthToken: 'oauth' };
    config.cache = { url: 'rediss://:password@cache.example.com:6380/0' };
    const parsed = parseConfig(JSON.stringify(config), { format: 'json', env: {} });
    expect(parsed.sources[1]).toMatchObject({ provider: 'zendesk', oauthToken: 'oauth' });
    expect(parsed.cache.url).toBe('rediss://:password@cache.example.com:6380/0');
  });

  it('accepts numbers and booleans given as strings, as `${VAR}` produces them', () => {
    const yaml = stringify({ ...minimalConfig(), server: { port: '${P}', introspection: '${I}' } });
    const config = parseConfig(yaml, { format: 'yaml', env: { P: '5000', I: 'true' } });
    expect(config.server).toMatchObject({ port: 5000, introspection: true });
  });

  it('accepts page sizes at each provider limit', () => {
    const config = minimalConfig();
    config.sources = [
      { id: 'l', provider: 'losant', orgId: 'o', apiToken: 't', pageSize: 1000 },
      { id: 'n', provider: 'nirvana', apiKey: 'k', pageSize: 10 },
    ];
    const parsed = parseConfig(JSON.stringify(config), { format: 'json', env: {} });
    expect(parsed.sources.map((s) => s.pageSize)).toEqual([1000, 10]);
  });
});

describe('parseConfig: validation rules name the path', () => {
  it('requires cursorSecret of at least 32 characters', () => {
    expect(problemsAfter((c) => delete c.cursorSecret)).toEqual([expect.stringMatching(/^cursorSecret: required/)]);
    expect(problemsAfter((c) => (c.cursorSecret = 'x'.repeat(31)))).toEqual([
      expect.stringMatching(/^cursorSecret: must be at least 32 characters/),
    ]);
  });

  it('requires at least one tenant and one source', () => {
    expect(problemsAfter((c) => (c.tenants = []))).toEqual(['tenants: at least one tenant is required']);
    expect(problemsAfter((c) => (c.sources = []))).toEqual(['sources: at least one source is required']);
    expect(problemsAfter((c) => delete c.sources)).toEqual(['sources: required']);
  });

  it('reports a missing source field', () => {
    expect(problemsAfter((c) => delete c.sources[0].orgId)).toEqual(['sources[0].orgId: required']);
  });

  it('rejects an unknown provider', () => {
    expect(problemsAfter((c) => (c.sources[0].provider = 'logrocker'))).toEqual([
      'sources[0].provider: must be one of logrocket, zendesk, losant, nirvana',
    ]);
    expect(problemsAfter((c) => delete c.sources[0].provider)).toEqual([expect.stringMatching(/^sources\[0\]\.provider: required/)]);
  });

  it('checks source id syntax and uniqueness', () => {
    expect(problemsAfter((c) => (c.sources[1].id = 'Zendesk!'))).toEqual([
      expect.stringMatching(/^sources\[1\]\.id: must be lower-case letters/),
    ]);
    expect(problemsAfter((c) => (c.sources[1].id = '-zd'))).toEqual([expect.stringMatching(/^sources\[1\]\.id: /)]);
    expect(problemsAfter((c) => (c.sources[1] = { ...c.sources[0] }))).toEqual([
      expect.stringMatching(/^sources\[1\]\.id: duplicate source id \(also sources\[0\]\.id\)/),
    ]);
  });

  it('checks tenant ids and API keys', () => {
    expect(problemsAfter((c) => c.tenants.push({ id: 'acme', apiKeys: ['other'], sources: ['*'] }))).toEqual([
      expect.stringMatching(/^tenants\[1\]\.id: duplicate tenant id \(also tenants\[0\]\.id\)/),
    ]);
    expect(problemsAfter((c) => c.tenants.push({ id: 'beta', apiKeys: ['x', 'acme-key'], sources: ['*'] }))).toEqual([
      expect.stringMatching(/^tenants\[1\]\.apiKeys\[1\]: duplicate API key \(also tenants\[0\]\.apiKeys\[0\]\)/),
    ]);
    expect(problemsAfter((c) => (c.tenants[0].apiKeys = ['']))).toEqual(['tenants[0].apiKeys[0]: must not be empty']);
    expect(problemsAfter((c) => (c.tenants[0].apiKeys = []))).toEqual(['tenants[0].apiKeys: at least one key is required']);
  });

  it('checks tenant source references', () => {
    expect(problemsAfter((c) => (c.tenants[0].sources = ['lr-web', 'zendsk']))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.sources\[1\]: unknown source "zendsk" \(known: lr-web, zendesk\)/),
    ]);
  });

  it('requires exactly one zendesk credential style', () => {
    const zendesk = (edit: (s: Record<string, any>) => void) => problemsAfter((c) => edit(c.sources[1]));
    expect(zendesk((s) => (s.oauthToken = 'o'))).toEqual(['sources[1].oauthToken: use either email + apiToken or oauthToken, not both']);
    expect(zendesk((s) => (delete s.email, delete s.apiToken))).toEqual([expect.stringMatching(/^sources\[1\]: credentials required/)]);
    expect(zendesk((s) => delete s.apiToken)).toEqual([expect.stringMatching(/^sources\[1\]\.apiToken: required with email/)]);
    expect(zendesk((s) => delete s.email)).toEqual(['sources[1].email: required with apiToken']);
    expect(zendesk((s) => delete s.baseUrl)).toEqual([expect.stringMatching(/^sources\[1\]\.baseUrl: required/)]);
  });

  it.each([
    'ftp://acme.zendesk.com',
    'https://acme.zendesk.com/?x=1',
    'https://acme.zendesk.com/#top',
    'https://u:p@acme.zendesk.com',
    'acme.zendesk.com',
  ])('rejects baseUrl %s', (baseUrl) => {
    expect(problemsAfter((c) => (c.sources[1].baseUrl = baseUrl))).toEqual([
      expect.stringMatching(/^sources\[1\]\.baseUrl: must be an http\(s\) URL/),
    ]);
  });

  it('validates server and cache values', () => {
    expect(problemsAfter((c) => (c.server = { publicUrl: 'ftp://x' }))).toEqual([
      expect.stringMatching(/^server\.publicUrl: must be an http\(s\) URL/),
    ]);
    expect(problemsAfter((c) => (c.cache = { url: 'http://127.0.0.1:6379' }))).toEqual(['cache.url: must be a redis:// or rediss:// URL']);
    for (const port of [70000, -1, 1.5, 'abc']) {
      expect(problemsAfter((c) => (c.server = { port }))).toEqual(['server.port: must be an integer from 0 to 65535']);
    }
    expect(problemsAfter((c) => (c.server = { introspection: 'yes' }))).toEqual(['server.introspection: must be true or false']);
  });

  it('takes server.landingPage sandbox or off, leaves it unset by default, and rejects anything else', () => {
    for (const landingPage of ['sandbox', 'off'] as const) {
      const config = parseConfig(JSON.stringify({ ...minimalConfig(), server: { landingPage } }), { format: 'json', env: {} });
      expect(config.server.landingPage).toBe(landingPage);
    }
    expect(parseConfig(JSON.stringify(minimalConfig()), { format: 'json', env: {} }).server.landingPage).toBeUndefined();
    for (const landingPage of ['graphiql', true, 3]) {
      expect(problemsAfter((c) => (c.server = { landingPage }))).toEqual(['server.landingPage: must be one of sandbox, off']);
    }
  });

  it('validates tuning keys against provider limits', () => {
    expect(problemsAfter((c) => (c.sources[0].retries = 11))).toEqual(['sources[0].retries: must be an integer from 0 to 10']);
    expect(problemsAfter((c) => (c.sources[0].pageSize = 101))).toEqual(['sources[0].pageSize: must be an integer from 1 to 100']);
    expect(problemsAfter((c) => (c.sources[1] = { id: 'n', provider: 'nirvana', apiKey: 'k', pageSize: 5 }))).toEqual([
      'sources[1].pageSize: must be an integer from 10 to 100',
    ]);
  });

  it('takes an optional outbound cap per source, with no default', () => {
    const capped = parse(VALID_YAML);
    capped.sources[2].requestsPerMinute = '120';
    const sources = parseConfig(JSON.stringify(capped), { format: 'json', env: VALID_ENV }).sources;
    expect(sources[2]).toMatchObject({ id: 'zendesk', requestsPerMinute: 120 });
    expect(sources.filter((source) => 'requestsPerMinute' in source).map((source) => source.id)).toEqual(['zendesk']);
    expect(problemsAfter((c) => (c.sources[0].requestsPerMinute = 0))).toEqual([
      'sources[0].requestsPerMinute: must be an integer from 1 to 1000000',
    ]);
  });

  it('reports wrong types without the value', () => {
    expect(problemsAfter((c) => (c.sources[0].appId = 42))).toEqual(['sources[0].appId: must be a string, not a number — quote it']);
    expect(problemsAfter((c) => (c.sources[0] = 'lr-web'))).toEqual(['sources[0]: must be a mapping, not a string']);
  });

  it('rejects unknown keys at the top level and nested', () => {
    expect(problemsAfter((c) => (c.bogus = 1))).toEqual([expect.stringMatching(/^bogus: unknown key — allowed: server, cursorSecret/)]);
    expect(problemsAfter((c) => (c.server = { bogus: 1 }))).toEqual([
      'server.bogus: unknown key — allowed: host, port, publicUrl, introspection, landingPage, headersTimeoutMs, requestTimeoutMs, maxConnectionsPerClient, shutdownGraceMs',
    ]);
    expect(problemsAfter((c) => (c.cache = { ttl: 5 }))).toEqual([expect.stringMatching(/^cache\.ttl: unknown key/)]);
    expect(problemsAfter((c) => (c.tenants[0].name = 'Acme'))).toEqual([expect.stringMatching(/^tenants\[0\]\.name: unknown key/)]);
    expect(problemsAfter((c) => (c.sources[1].appId = 'web'))).toEqual([
      expect.stringMatching(/^sources\[1\]\.appId: unknown key — allowed: id, provider, baseUrl, email, apiToken, oauthToken/),
    ]);
  });

  it('lists every problem at once, in the message too', () => {
    const config = minimalConfig();
    delete config.sources[0].orgId;
    config.server = { bogus: true };
    try {
      parseConfig(JSON.stringify(config), { format: 'json', env: {}, fileName: 'auditgraph.json' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const { message, problems } = error as ConfigError;
      expect(problems).toHaveLength(2);
      expect(message).toMatch(/^Invalid configuration in auditgraph\.json \(2 problems\)/);
      for (const problem of problems) expect(message).toContain(problem);
    }
  });
});

describe('parseConfig: syntax errors', () => {
  it('gives line and column for YAML errors', () => {
    expect(problemsOf('server:\n  port: 1\n  port: 2\n', 'yaml')).toEqual(['line 3, column 3: duplicate key in a mapping']);
    expect(problemsOf('cursorSecret: "abc\n', 'yaml')[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('gives line and column for JSON errors', () => {
    expect(problemsOf('{\n  "server": {\n    "port": 1,\n  }\n}')).toEqual(['line 4, column 3: invalid JSON syntax']);
    expect(problemsOf('{\n  "cursorSecret": nope\n}')).toEqual(['line 2, column 19: invalid JSON syntax']);
    expect(problemsOf('{"a": 1')).toEqual([expect.stringMatching(/^line 1, column 8: /)]);
  });

  it('rejects an empty document or a non-mapping', () => {
    expect(problemsOf('', 'yaml')).toEqual(['(root): must be a mapping, not null']);
    expect(problemsOf('- a\n- b\n', 'yaml')).toEqual(['(root): must be a mapping, not a list']);
  });

  it('reports an undefined YAML alias', () => {
    expect(problemsOf('cursorSecret: *nope\n', 'yaml')).toEqual([expect.stringMatching(/alias/)]);
  });
});

import { inspect } from 'node:util';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError } from '../../../src/errors';
import { parseConfig } from '../../../src/config/load-config';
import { minimalConfig } from './config-fixtures';

const CANARY = 'CANARY-9f3b7c1e-S3CRET';
const CANARY_PARTS = ['CANARY', '9f3b7c1e', 'S3CRET'];

function expectNoCanary(run: () => unknown): ConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  const printed = [error.message, String(error), error.stack ?? '', inspect(error), JSON.stringify(error.problems)].join('\n');
  for (const part of CANARY_PARTS) expect(printed).not.toContain(part);
  return error;
}

function withEdit(edit: (config: Record<string, any>) => void): string {
  const config = minimalConfig();
  edit(config);
  return JSON.stringify(config);
}

describe('config errors never print a secret', () => {
  const badValues: Array<[string, (c: Record<string, any>) => void]> = [
    ['a short cursorSecret', (c) => (c.cursorSecret = CANARY)],
    ['a cursorSecret of the wrong type', (c) => (c.cursorSecret = [CANARY])],
    ['an invalid zendesk email', (c) => (c.sources[1].email = CANARY)],
    ['an oauthToken next to email + apiToken', (c) => (c.sources[1].oauthToken = CANARY)],
    ['a baseUrl with credentials', (c) => (c.sources[0].baseUrl = `https://user:${CANARY}@api.example.com`)],
    ['a baseUrl with a query', (c) => (c.sources[0].baseUrl = `https://api.example.com/?key=${CANARY}`)],
    ['a baseUrl that is not a URL', (c) => (c.sources[0].baseUrl = CANARY)],
    ['a cache URL with a password', (c) => (c.cache = { url: `http://:${CANARY}@cache:6379` })],
    ['a provider', (c) => (c.sources[0].provider = CANARY)],
    ['a source id', (c) => (c.sources[0].id = CANARY)],
    ['a tenant source reference', (c) => (c.tenants[0].sources = [CANARY])],
    [
      'a duplicated API key',
      (c) => c.tenants.push({ id: 'b', apiKeys: [CANARY], sources: ['*'] }, { id: 'c', apiKeys: [CANARY], sources: ['*'] }),
    ],
    [
      'a duplicated tenant id',
      (c) => c.tenants.push({ id: CANARY, apiKeys: ['k1'], sources: ['*'] }, { id: CANARY, apiKeys: ['k2'], sources: ['*'] }),
    ],
    ['a port', (c) => (c.server = { port: CANARY })],
    ['a publicUrl', (c) => (c.server = { publicUrl: `ftp://${CANARY}` })],
    ['introspection', (c) => (c.server = { introspection: CANARY })],
    ['a landingPage', (c) => (c.server = { landingPage: CANARY })],
    ['a page size', (c) => (c.sources[0].pageSize = CANARY)],
    ['a whole source', (c) => (c.sources[0] = CANARY)],
    ['a whole config section', (c) => (c.tenants = CANARY)],
  ];

  it.each(badValues)('for %s', (_, edit) => {
    expectNoCanary(() => parseConfig(withEdit(edit), { format: 'json', env: {} }));
    expectNoCanary(() => parseConfig(stringify(JSON.parse(withEdit(edit))), { format: 'yaml', env: {} }));
  });

  it('for a bad value that came from an environment variable', () => {
    const text = withEdit((c) => {
      c.server = { port: '${PORT_NUMBER}' };
      c.sources[0].apiKey = '${LR_KEY}';
    });
    expectNoCanary(() => parseConfig(text, { format: 'json', env: { PORT_NUMBER: CANARY, LR_KEY: CANARY } }));
  });

  it('for a bad PORT or HOST override', () => {
    expectNoCanary(() =>
      parseConfig(
        withEdit(() => undefined),
        { format: 'json', env: { PORT: CANARY } },
      ),
    );
  });

  it.each([
    ['an unclosed quote', `cursorSecret: "${CANARY}\n`],
    ['a nested mapping', `cursorSecret: ${CANARY}: x\n`],
    ['a bad escape', `cursorSecret: "\\q${CANARY}"\n`],
    ['a bad plain scalar start', `cursorSecret: @${CANARY}\n`],
    ['a stray token', `- a\n${CANARY}: c\n`],
    ['an unresolved alias', `cursorSecret: *${CANARY}\n`],
    ['an unknown tag', `cursorSecret: !${CANARY} x\n`],
    ['a bad indent', `sources:\n  - id: a\n apiKey: ${CANARY}\n`],
  ])('for a YAML syntax error near a secret (%s)', (_, text) => {
    expectNoCanary(() => parseConfig(text, { format: 'yaml', env: {} }));
  });

  it.each([
    ['a bare word', `{"cursorSecret": ${CANARY}}`],
    ['an unterminated string', `{"cursorSecret": "${CANARY}`],
    ['a trailing comma', `{"cursorSecret": "${CANARY}",}`],
    ['trailing content', `{"cursorSecret": "x"} ${CANARY}`],
  ])('for a JSON syntax error near a secret (%s)', (_, text) => {
    expectNoCanary(() => parseConfig(text, { format: 'json', env: {} }));
  });

  it('for any value placed anywhere in a config (property test)', () => {
    const secretish = fc.oneof(
      fc.constant(CANARY),
      fc.string().map((s) => `${s}${CANARY}${s}`),
      fc.constantFrom(`https://${CANARY}`, `redis://:${CANARY}@h`, `${CANARY}@x`),
    );
    const value = fc.oneof(
      secretish,
      fc.array(secretish, { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('x', 'id'), secretish),
      fc.integer(),
      fc.constant(null),
    );
    const paths = [
      ['cursorSecret'],
      ['server', 'host'],
      ['server', 'port'],
      ['server', 'publicUrl'],
      ['cache', 'url'],
      ['cache'],
      ['tenants', 0, 'id'],
      ['tenants', 0, 'apiKeys'],
      ['tenants', 0, 'sources'],
      ['tenants', 1],
      ['sources', 0, 'id'],
      ['sources', 0, 'provider'],
      ['sources', 0, 'baseUrl'],
      ['sources', 0, 'timeoutMs'],
      ['sources', 1, 'email'],
      ['sources', 1, 'oauthToken'],
      ['sources', 2],
    ] as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), value), { minLength: 1, maxLength: 3 }), (edits) => {
        const config = minimalConfig();
        for (const [path, v] of edits) {
          let target: any = config;
          for (const key of path.slice(0, -1)) {
            // An earlier edit may have put a scalar where this path needs an object.
            if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
            target = target[key];
          }
          target[path[path.length - 1]!] = v;
        }
        let printed = '';
        try {
          parseConfig(JSON.stringify(config), { format: 'json', env: {} });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          printed = `${error.message}\n${error.problems.join('\n')}`;
        }
        return !printed.includes('9f3b7c1e');
      }),
      { numRuns: 300 },
    );
  });
});

import { DEFAULT_CONNECTION_LIMITS, parseSources } from '../../../src/config/config.schema';
import { demoConfig, parseConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors';
import { minimalConfig } from './config-fixtures';

function parseWith(edit: Record<string, unknown>) {
  return parseConfig(JSON.stringify({ ...minimalConfig(), ...edit }), {
    format: 'json',
    env: { METRICS_TOKEN: 'a-metrics-token-from-the-env' },
  });
}

function problemsWith(edit: Record<string, unknown>): string[] {
  try {
    parseWith(edit);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('server connection settings', () => {
  it('are optional: absent, the gateway applies DEFAULT_CONNECTION_LIMITS', () => {
    const { server } = parseWith({});
    expect(server).not.toHaveProperty('requestTimeoutMs');
    expect(server).not.toHaveProperty('maxConnectionsPerClient');
    expect(DEFAULT_CONNECTION_LIMITS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnectionsPerClient: 256,
      shutdownGraceMs: 5_000,
    });
  });

  it('take timeouts, the per-client cap (0: none) and the shutdown grace, also from ${VAR} strings', () => {
    const { server } = parseWith({
      server: { headersTimeoutMs: '5000', requestTimeoutMs: 60_000, maxConnectionsPerClient: 0, shutdownGraceMs: 25_000 },
    });
    expect(server).toMatchObject({ headersTimeoutMs: 5000, requestTimeoutMs: 60_000, maxConnectionsPerClient: 0, shutdownGraceMs: 25_000 });
  });

  it('name the path of a bad value', () => {
    expect(problemsWith({ server: { requestTimeoutMs: 0 } })).toEqual(['server.requestTimeoutMs: must be an integer from 100 to 3600000']);
    expect(problemsWith({ server: { maxConnectionsPerClient: -1 } })).toEqual([
      'server.maxConnectionsPerClient: must be an integer from 0 to 1000000',
    ]);
    expect(problemsWith({ server: { headersTimeoutMs: 20_000, requestTimeoutMs: 15_000 } })).toEqual([
      'server.headersTimeoutMs: must not exceed server.requestTimeoutMs (default 30000)',
    ]);
  });
});

describe('metrics settings', () => {
  it('are absent by default: no metrics listener, so several instances on one machine all start', () => {
    expect(parseWith({}).metrics).toBeUndefined();
    expect(demoConfig(parseSources([{ id: 'nirvana', provider: 'nirvana', apiKey: 'k' }])).metrics).toBeUndefined();
  });

  it('take a port, loopback by default, and an optional token', () => {
    expect(parseWith({ metrics: { port: 9464 } }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseWith({ metrics: { host: '0.0.0.0', port: '9464', token: '${METRICS_TOKEN}' } }).metrics).toEqual({
      host: '0.0.0.0',
      port: 9464,
      token: 'a-metrics-token-from-the-env',
    });
  });

  it('name the path of a bad value and never print the token', () => {
    expect(problemsWith({ metrics: {} })).toEqual([expect.stringMatching(/^metrics\.port: required/)]);
    const short = problemsWith({ metrics: { port: 9464, token: 'tiny-secret' } });
    expect(short).toEqual([expect.stringMatching(/^metrics\.token: must be at least 16 characters/)]);
    expect(short.join('\n')).not.toContain('tiny-secret');
    expect(problemsWith({ metrics: { port: 9464, tokn: 'x' } })).toEqual([
      expect.stringMatching(/^metrics\.tokn: unknown key.*host, port, token/),
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { parseDocument, type ErrorCode } from 'yaml';
import { ConfigError } from '../errors';
import { configError, configErrorMap, describeIssues } from './config-problems';
import { ALL_SOURCES, allowedConfigKeys, configFileSchema, resolveConfig, type ResolvedConfig, type SourceConfig } from './config.schema';
import { interpolateEnv, type Environment } from './env-interpolation';

/** Syntax of a config file. */
export type ConfigFormat = 'yaml' | 'json';

/** Options of parseConfig. */
export interface ParseConfigOptions {
  format: ConfigFormat;
  env: Environment;
  /** Shown in error headings; never the file's contents. */
  fileName?: string;
}

/** Options of loadConfig. */
export interface LoadConfigOptions {
  argv: readonly string[];
  env: Environment;
  /** Reads a file as UTF-8 text; defaults to the file system. */
  readFile?: (path: string) => Promise<string>;
}

/** Listen address overrides taken from `HOST` and `PORT`. */
export interface ListenOverrides {
  host?: string;
  port?: number;
}

/** The host demo mode listens on: loopback only, since demo mode has no authentication. */
export const DEMO_HOST = '127.0.0.1';

/** Port used when neither the config nor `PORT` sets one. */
export const DEFAULT_PORT = 4000;

/** Id of the single tenant of demo mode. */
export const DEMO_TENANT_ID = 'demo';

const PORT_PROBLEM = 'PORT: must be an integer from 0 to 65535';

// yaml's own messages may quote pieces of the source (and so a secret); only the code is used.
const YAML_ERRORS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or tag',
  BAD_ALIAS: 'invalid alias',
  BAD_DIRECTIVE: 'invalid directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchors and tags must come after the indicator',
  BAD_SCALAR_START: 'a plain value cannot start with this character — quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'nested mappings are not allowed in compact mappings — quote the value if it contains ": "',
  BLOCK_IN_FLOW: 'block collections are not allowed inside flow collections',
  DUPLICATE_KEY: 'duplicate key in a mapping',
  IMPOSSIBLE: 'unparseable input',
  KEY_OVER_1024_CHARS: 'implicit keys must be shorter than 1024 characters',
  MISSING_CHAR: 'missing character (an unclosed quote or bracket?)',
  MULTILINE_IMPLICIT_KEY: 'implicit keys must be on a single line',
  MULTIPLE_ANCHORS: 'a node can have at most one anchor',
  MULTIPLE_DOCS: 'the file must contain a single YAML document',
  MULTIPLE_TAGS: 'a node can have at most one tag',
  NON_STRING_KEY: 'keys must be strings',
  RESOURCE_EXHAUSTION: 'too many aliases',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  TAG_RESOLVE_FAILED: 'unknown or unresolvable tag',
  UNEXPECTED_TOKEN: 'unexpected token',
  BAD_COLLECTION_TYPE: 'tag does not match the collection type',
};

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function parseYaml(text: string, label: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const where = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : lineAndColumn(text, error.pos[0]);
      return `${where}: ${YAML_ERRORS[error.code] ?? 'syntax error'}`;
    });
    throw configError(`Cannot parse ${label} as YAML`, problems);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const unresolved = error instanceof ReferenceError;
    throw configError(`Cannot parse ${label} as YAML`, [
      unresolved ? '(root): an alias refers to an anchor that is not defined before it' : '(root): too many aliases',
    ]);
  }
}

function parseJson(text: string, label: string): unknown {
  const source = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    // V8's message may quote the offending source text, so only a position is taken from it;
    // when it has none, yaml (a JSON superset) locates the first error instead.
    const message = error instanceof Error ? error.message : '';
    const position = /at position (\d+)/.exec(message)?.[1];
    let where: string | undefined;
    if (position !== undefined) where = lineAndColumn(source, Number(position));
    else if (/end of JSON input/.test(message)) where = lineAndColumn(source, source.length);
    else {
      const located = parseDocument(source, { schema: 'json' }).errors[0];
      if (located) where = lineAndColumn(source, located.pos[0]);
    }
    throw configError(`Cannot parse ${label} as JSON`, [`${where ?? '(root)'}: invalid JSON syntax`]);
  }
}

/**
 * Reads `HOST` and `PORT` from the environment (empty means unset). Throws a ConfigError when
 * `PORT` is not an integer from 0 to 65535.
 */
export function readListenOverrides(env: Environment): ListenOverrides {
  const overrides: ListenOverrides = {};
  const host = env.HOST?.trim();
  if (host) overrides.host = host;
  const port = env.PORT?.trim();
  if (port) {
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw configError('Invalid PORT', [PORT_PROBLEM]);
    overrides.port = Number(port);
  }
  return overrides;
}

/**
 * The config file path: the last `--config FILE` or `--config=FILE` in argv, else
 * `AUDITGRAPH_CONFIG`; undefined when neither is set (demo mode).
 */
export function resolveConfigPath(argv: readonly string[], env: Environment): string | undefined {
  let path: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    let value: string | undefined;
    if (arg === '--config') {
      value = argv[i + 1];
      i += 1;
    } else if (arg?.startsWith('--config=')) {
      value = arg.slice('--config='.length);
    } else {
      continue;
    }
    if (!value || value.startsWith('--'))
      throw configError('Invalid command line', ['--config: a file name is required, e.g. --config auditgraph.yaml']);
    path = value;
  }
  return path ?? (env.AUDITGRAPH_CONFIG || undefined);
}

/**
 * Parses, interpolates and validates a config file's text, then applies the `HOST` / `PORT`
 * overrides. Throws a ConfigError whose problems name paths, keys and variables but never a value.
 */
export function parseConfig(text: string, options: ParseConfigOptions): ResolvedConfig {
  const label = options.fileName ?? 'the configuration';
  const raw = options.format === 'json' ? parseJson(text, label) : parseYaml(text, label);
  const tree = interpolateEnv(raw, options.env, label);
  const result = configFileSchema.safeParse(tree, { error: configErrorMap });
  if (!result.success) {
    throw configError(
      options.fileName === undefined ? 'Invalid configuration' : `Invalid configuration in ${options.fileName}`,
      describeIssues(result.error.issues, (path) => allowedConfigKeys(path, tree)),
    );
  }
  const overrides = readListenOverrides(options.env);
  return { ...result.data, server: { ...result.data.server, ...overrides }, demo: false };
}

function describeReadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return typeof code === 'string' ? code : 'read failed';
  }
}

/**
 * Loads the config file named by argv or `AUDITGRAPH_CONFIG`; null when none is named (demo
 * mode). A `.json` file is parsed as JSON, anything else as YAML.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig | null> {
  const path = resolveConfigPath(options.argv, options.env);
  if (path === undefined) return null;
  const read = options.readFile ?? ((file: string) => readFileFromDisk(file, 'utf8'));
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    throw configError(`Cannot read config file ${path}`, [`${path}: ${describeReadFailure(error)}`]);
  }
  const format: ConfigFormat = /\.json$/i.test(path) ? 'json' : 'yaml';
  return parseConfig(text, { format, env: options.env, fileName: path });
}

let demoCursorSecret: string | undefined;

/**
 * The demo-mode configuration over the given (simulator) sources: loopback only, introspection
 * on, one tenant `demo` granted every source with no API keys, and a random per-process cursor
 * secret. `host` and `port` are the HOST / PORT overrides; a host other than 127.0.0.1 is an error.
 */
export function demoConfig(sources: SourceConfig[], options: ListenOverrides = {}): ResolvedConfig {
  if (options.host !== undefined && options.host !== DEMO_HOST) {
    throw configError('Invalid HOST for demo mode', [
      `HOST: demo mode listens on ${DEMO_HOST} only — unset HOST, or give a config file to listen elsewhere`,
    ]);
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw configError('Invalid PORT', [PORT_PROBLEM]);
  const ids = sources.map((source) => source.id);
  if (new Set(ids).size !== ids.length) throw new ConfigError('demo sources must have unique ids');
  demoCursorSecret ??= randomBytes(32).toString('base64url');
  // Through the schema like any other configuration: every default comes from the one place.
  return resolveConfig({
    server: { host: DEMO_HOST, port, introspection: true },
    cursorSecret: demoCursorSecret,
    tenants: [{ id: DEMO_TENANT_ID, apiKeys: [], sources: [ALL_SOURCES] }],
    sources,
    demo: true,
  });
}

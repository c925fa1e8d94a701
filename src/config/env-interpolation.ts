import { configError, formatConfigPath, type ConfigPath } from './config-problems';

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

// `$${` is an escaped literal `${`; a `${` not followed by `NAME}` is reported as malformed.
const REFERENCE = /\$\$\{|\$\{(?:([A-Za-z_][A-Za-z0-9_]*)\})?/g;

function lookup(env: Environment, name: string): string | undefined {
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function interpolateString(text: string, env: Environment, path: ConfigPath, problems: string[]): string {
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    const where = formatConfigPath(path);
    if (name === undefined) {
      problems.push(`${where}: "\${" must start a reference like \${NAME} — write $\${ for a literal \${`);
      return match;
    }
    const value = lookup(env, name);
    if (value === undefined) {
      problems.push(`${where}: environment variable ${name} is not set`);
      return match;
    }
    return value;
  });
}

/**
 * Returns a copy of a parsed config tree in which `${NAME}` inside every string value is replaced
 * by `env[NAME]` (keys are left alone; `$${` yields a literal `${`). Throws a ConfigError with
 * one problem per missing variable, naming the variable and the path where it is used.
 */
export function interpolateEnv(tree: unknown, env: Environment, label = 'the configuration'): unknown {
  const problems: string[] = [];
  const walk = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') return interpolateString(value, env, path, problems);
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return value;
  };
  const result = walk(tree, []);
  if (problems.length > 0) throw configError(`Cannot substitute environment variables in ${label}`, problems);
  return result;
}

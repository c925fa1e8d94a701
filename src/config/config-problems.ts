import type { z } from 'zod';
import { ConfigError } from '../errors';

/** A location inside the configuration tree: object keys and array indices. */
export type ConfigPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Formats a config path as `sources[2].orgId`; the empty path is `(root)`. */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      out += PLAIN_KEY.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || '(root)';
}

/**
 * Builds the ConfigError raised for a list of problems: the message repeats every problem so
 * that printing the message alone is enough.
 */
export function configError(heading: string, problems: readonly string[]): ConfigError {
  const unique = [...new Set(problems)];
  const count = unique.length === 1 ? '1 problem' : `${unique.length} problems`;
  return new ConfigError(`${heading} (${count}):\n${unique.map((p) => `  - ${p}`).join('\n')}`, unique);
}

/** Describes the JavaScript type of a value without revealing the value itself. */
export function describeValueType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/**
 * The zod error map used when validating a config file. Every message is built from the schema
 * and the *type* of the input only, so a value from the file can never leak into an error.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required';
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      const hint = issue.expected === 'string' && issue.input !== null && typeof issue.input !== 'object' ? ' — quote it' : '';
      return `must be ${expected}, not ${describeValueType(issue.input)}${hint}`;
    }
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} entries`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_union':
      return 'does not match any allowed form';
    default:
      return 'is not valid';
  }
};

/**
 * Turns zod issues into problem lines (`path: what is wrong — how to fix`), one per unknown key.
 * `allowedKeys` names the keys accepted at a path, for the unknown-key hint.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  allowedKeys: (path: ConfigPath) => readonly string[] | undefined,
): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issue.path);
      const hint = allowed?.length ? ` — allowed: ${allowed.join(', ')}` : '';
      for (const key of issue.keys) problems.push(`${formatConfigPath([...issue.path, key])}: unknown key${hint}`);
    } else {
      problems.push(`${formatConfigPath(issue.path)}: ${issue.message}`);
    }
  }
  return problems;
}

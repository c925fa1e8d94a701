import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/** Where the Relay documents of docs/frontend.md live. */
export const RELAY_EXAMPLES = join(ROOT, 'docs', 'examples', 'relay');

/** What one relay-compiler run produced. */
export interface RelayCompilation {
  /** The temporary project: `src/` (the documents), `schema.graphql`, `relay.config.json`. */
  readonly dir: string;
  /** The generated artifacts, one file per reader/operation. */
  readonly artifactDir: string;
  readonly artifacts: string[];
  readonly output: string;
}

/**
 * Runs the relay-compiler binary of the `relay-compiler` package on the docs' Relay documents
 * against schema.graphql, in a fresh temporary directory (no network, no watchman), into
 * TypeScript artifacts.
 */
export async function compileRelay(): Promise<RelayCompilation> {
  const dir = await mkdtemp(join(tmpdir(), 'auditgraph-relay-'));
  const artifactDir = join(dir, '__generated__');
  await mkdir(join(dir, 'src'));
  await mkdir(artifactDir);
  for (const file of await readdir(RELAY_EXAMPLES)) {
    if (file.endsWith('.ts')) await copyFile(join(RELAY_EXAMPLES, file), join(dir, 'src', file));
  }
  await copyFile(join(ROOT, 'schema.graphql'), join(dir, 'schema.graphql'));
  await writeFile(
    join(dir, 'relay.config.json'),
    JSON.stringify({ src: './src', schema: './schema.graphql', language: 'typescript', artifactDirectory: './__generated__' }),
  );
  // The package's main export is the path of its native binary, which only require() returns.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const binary = require('relay-compiler') as string | null;
  if (!binary) throw new Error(`relay-compiler ships no binary for ${process.platform}/${process.arch}`);
  const { stdout, stderr } = await promisify(execFile)(binary, [], {
    cwd: dir,
    env: { ...process.env, RUST_BACKTRACE: '0' },
    timeout: 15_000,
  });
  return { dir, artifactDir, artifacts: (await readdir(artifactDir)).sort(), output: `${stdout}${stderr}` };
}

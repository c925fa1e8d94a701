import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const MARKED_BLOCK = /<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

describe('docs/frontend.md', () => {
  it('shows each file of docs/examples/ (what the tests compile) exactly, in a block marked with its path', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'frontend.md'), 'utf8');
    const shown = new Map<string, string>();
    for (const [, path, body] of doc.matchAll(MARKED_BLOCK)) shown.set(path, body);
    const examples = (await filesUnder(join(ROOT, 'docs', 'examples'))).map((file) => relative(ROOT, file)).sort();
    expect([...shown.keys()].sort()).toEqual(examples);
    for (const [path, body] of shown) expect(body).toBe(await readFile(join(ROOT, path), 'utf8'));
  });
});

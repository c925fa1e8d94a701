import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lockfileProblems } = require('../../../scripts/check-lockfile.js') as {
  lockfileProblems: (lock: unknown) => string[];
};

const root = join(__dirname, '..', '..', '..');
const committedLock = (): { lockfileVersion: number; packages: Record<string, Record<string, unknown>> } =>
  JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

describe('package-lock.json', () => {
  it('installs with npm ci on any platform: every entry has a version and integrity, every dependency an entry', () => {
    expect(lockfileProblems(committedLock())).toEqual([]);
  });

  it('is flagged when an optional binding is only a stub (the npm/cli#9846 shape that npm 11.16+ rejects)', () => {
    const lock = committedLock();
    lock.packages['node_modules/unrs-resolver/node_modules/@unrs/resolver-binding-win32-x64-msvc'] = {
      dev: true,
      optional: true,
    };
    expect(lockfileProblems(lock)).toEqual([
      'node_modules/unrs-resolver/node_modules/@unrs/resolver-binding-win32-x64-msvc: no version',
      'node_modules/unrs-resolver/node_modules/@unrs/resolver-binding-win32-x64-msvc: no integrity',
    ]);
  });

  it('is flagged when another platform binding is missing altogether', () => {
    const lock = committedLock();
    delete lock.packages['node_modules/@unrs/resolver-binding-darwin-arm64'];
    expect(lockfileProblems(lock)).toEqual(['node_modules/unrs-resolver: @unrs/resolver-binding-darwin-arm64 is not in the lock']);
  });

  it('is flagged when a non-registry entry does not say where it comes from', () => {
    const lock = committedLock();
    lock.packages['node_modules/local-thing'] = { version: '1.0.0', resolved: '' };
    expect(lockfileProblems(lock)).toEqual(['node_modules/local-thing: no resolved']);
  });
});

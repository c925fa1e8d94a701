#!/usr/bin/env node
'use strict';
// Fails when package-lock.json would stop `npm ci` on some machine: an entry with no version or
// integrity (npm/cli#9846 left such stubs for other platforms' optional bindings, and npm 11.16+
// aborts with "Invalid Version"), or a dependency that no entry of the lock resolves.
// `resolved` is deliberately absent for registry packages (.npmrc: omit-lockfile-registry-resolved),
// so the lock installs from whichever registry the machine is configured with; anything that is
// not a registry package must still say where it comes from.

const fs = require('node:fs');
const path = require('node:path');

/** @returns {string[]} one line per problem */
function lockfileProblems(lock) {
  const problems = [];
  if (lock.lockfileVersion !== 3) problems.push(`lockfileVersion is ${lock.lockfileVersion}, expected 3`);
  const packages = lock.packages ?? {};
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '' || entry.link) continue;
    if (!entry.version) problems.push(`${location}: no version`);
    const fromRegistry = entry.resolved === undefined || /^https:\/\/[^/]+\//.test(entry.resolved);
    if (!fromRegistry && !entry.resolved) problems.push(`${location}: no resolved`);
    if (fromRegistry && !entry.integrity) problems.push(`${location}: no integrity`);
  }
  for (const [location, entry] of Object.entries(packages)) {
    const wanted = {
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...(location === '' ? entry.devDependencies : {}),
    };
    for (const name of Object.keys(wanted)) {
      if (!resolves(packages, location, name)) problems.push(`${location || '(root)'}: ${name} is not in the lock`);
    }
  }
  return problems;
}

// Node's lookup: the package's own node_modules, then each enclosing one up to the root.
function resolves(packages, location, name) {
  let base = location;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

module.exports = { lockfileProblems };

if (require.main === module) {
  const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'package-lock.json'));
  const problems = lockfileProblems(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (problems.length > 0) {
    process.stderr.write(`${path.basename(file)} would not install everywhere:\n  ${problems.join('\n  ')}\n`);
    process.stderr.write('Regenerate it: npm install --package-lock-only\n');
    process.exit(1);
  }
  process.stdout.write(
    `${path.basename(file)}: ${Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).packages).length} entries, all installable\n`,
  );
}

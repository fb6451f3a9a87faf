#!/usr/bin/env node
// Runs every `*.test.ts` file with node's own test runner (through tsx). Node 20's `--test` does not
// expand globs, so the files are found here. Extra arguments are passed through, so
// `npm test -- --test-name-pattern=nonce` works.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'e2e', 'examples', 'bench', 'scripts'];
const files = [];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(relative(root, path));
  }
}
for (const dir of roots) walk(join(root, dir));
files.sort();

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...selected],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

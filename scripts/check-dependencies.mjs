#!/usr/bin/env node
// Checks every workspace's package.json against what its code imports: each imported package is
// declared (in `dependencies` for code that ships, or `devDependencies` for tests, test helpers
// and build scripts), and nothing declared goes unused. Run by scripts/check-dependencies.test.ts
// and by hand: `node scripts/check-dependencies.mjs` prints the problems and exits 1 if any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const repositoryRoot = new URL('..', import.meta.url).pathname;

/**
 * Packages that are used other than by an import, with where. A package listed here and nowhere
 * used any more must be taken out of both places.
 */
export const USED_WITHOUT_IMPORT = {
  'latchkey-monorepo': {
    '@biomejs/biome': 'the `lint` script',
    typescript: 'the `typecheck` script',
    tsx: 'scripts/test.mjs runs the tests with `--import tsx`',
    '@types/node': 'the types of node: imports',
    '@types/better-sqlite3': 'the types of better-sqlite3 (packages/store)',
    '@types/pg': 'the types of pg (packages/store)',
  },
  '@latchkey/server': {
    'light-my-request':
      "pinned at ~6.6 so that fastify's copy resolves cookie ^1 (engines >=18), not cookie 2 (>=22)",
  },
  'latchkey-e2e': {
    '@authsignal/browser': 'actions/step-up.test.ts has esbuild bundle it for the page',
  },
  'latchkey-bench': {
    '@latchkey/server':
      'src/main.ts bundles the server from its scripts/ by path, and runs its CLI',
  },
};

/**
 * Workspace packages a package compiles into its own build (its bundle carries them), so shipping
 * code may import them as devDependencies (see docs/decisions/0008-published-packages.md).
 */
const BUNDLED = {
  '@latchkey/server': new Set(['@latchkey/core', '@latchkey/store', '@latchkey/console']),
};

/**
 * Imports that run only in a checkout, never in the published package, by file: resolved from the
 * repository's root, so the package does not declare them.
 */
const CHECKOUT_ONLY = {
  '@latchkey/server': { 'bin/latchkey.js': new Set(['tsx']) },
};

/** Workspaces whose every file is a tool, a test or a demo: all they import may be dev-only. */
const DEV_ONLY_WORKSPACES = new Set(['latchkey-monorepo', 'latchkey-e2e', 'latchkey-bench']);

const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs|css)$/;
/** A module specifier: no spaces or commas, so that prose between quotes is never one. */
const SPEC = `['"]([^'"\\s,]+)['"]`;
const IMPORT_PATTERNS = [
  new RegExp(`^\\s*(?:import|export)\\s[^'"\`;]*?\\bfrom\\s*${SPEC}`, 'gm'),
  new RegExp(`^\\s*import\\s*${SPEC}`, 'gm'),
  new RegExp(`\\bimport\\(\\s*${SPEC}\\s*\\)`, 'g'),
  new RegExp(`\\brequire(?:\\.resolve)?\\(\\s*${SPEC}\\s*\\)`, 'g'),
  // A stylesheet's import of a package's CSS, which the bundler resolves like a module.
  new RegExp(`^\\s*@import\\s+${SPEC}`, 'gm'),
];

/** A file that does not ship: a test, a test helper, a build or dev script. */
function isDevFile(path) {
  return /\.test\.[a-z]+$/.test(path) || /(^|\/)(testing|scripts|test)\//.test(path);
}

function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return null;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? null : name;
}

function sourceFiles(dir, skip) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (skip.has(path)) continue;
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path, skip));
    else if (SOURCE.test(name)) found.push(path);
  }
  return found;
}

/** Every problem of every workspace of the repository at `root`, as lines of text. */
export function dependencyProblems(root = repositoryRoot) {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const workspaceDirs = rootManifest.workspaces.map((w) => join(root, w));
  const workspaces = [
    { dir: root, skip: new Set(workspaceDirs) },
    ...workspaceDirs.map((dir) => ({ dir, skip: new Set() })),
  ];
  const manifests = new Map(
    workspaceDirs.map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return [manifest.name, manifest];
    }),
  );
  const problems = [];
  for (const { dir, skip } of workspaces) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const deps = new Set(Object.keys(manifest.dependencies ?? {}));
    const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
    const peers = new Set(Object.keys(manifest.peerDependencies ?? {}));
    const where = relative(root, join(dir, 'package.json')) || 'package.json';
    const used = new Set(Object.keys(USED_WITHOUT_IMPORT[manifest.name] ?? {}));
    const devOnly = DEV_ONLY_WORKSPACES.has(manifest.name);
    const bundled = BUNDLED[manifest.name] ?? new Set();
    const checkoutOnly = CHECKOUT_ONLY[manifest.name] ?? {};
    // What a bundled package needs at run time is the bundling package's to declare.
    for (const name of bundled) {
      for (const dep of Object.keys(manifests.get(name)?.dependencies ?? {})) used.add(dep);
    }
    for (const file of sourceFiles(dir, skip)) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(dir, file);
      for (const pattern of IMPORT_PATTERNS) {
        for (const match of text.matchAll(pattern)) {
          const name = packageOf(match[1]);
          if (name === null || name === manifest.name) continue;
          used.add(name);
          if (deps.has(name) || peers.has(name)) continue;
          if (checkoutOnly[rel]?.has(name)) continue;
          if (devDeps.has(name)) {
            if (!devOnly && !isDevFile(rel) && !bundled.has(name)) {
              problems.push(
                `${where}: ${name} is imported by ${rel}, which ships, but is a devDependency`,
              );
            }
            continue;
          }
          problems.push(`${where}: ${name} is imported by ${rel} but not declared`);
        }
      }
    }
    for (const name of [...deps, ...devDeps, ...peers]) {
      if (!used.has(name)) problems.push(`${where}: ${name} is declared but never imported`);
    }
  }
  return [...new Set(problems)].sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = dependencyProblems();
  for (const p of problems) console.log(p);
  process.exit(problems.length ? 1 : 0);
}

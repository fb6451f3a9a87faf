#!/usr/bin/env node
// Builds the published form of the package in the current directory (its `npm run build`):
// compiles src/index.ts and every module it reaches to dist/ as ES modules with declaration files,
// for plain Node and for TypeScript users outside this repository. Tests and test-only modules are
// not reached from the entry point, so they stay out. Inside the repository nothing reads dist/:
// the workspaces import each other's sources through the `paths` of the root tsconfig.json.
//
//   node ../../scripts/build-package.mjs [--browser]    (--browser: DOM types instead of Node's)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.cwd();
const dist = join(dir, 'dist');
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const browser = process.argv.includes('--browser');

rmSync(dist, { recursive: true, force: true });
// The project file lives outside the package so that no tool inside the repository picks it up.
const scratch = mkdtempSync(join(tmpdir(), 'latchkey-build-'));
const project = join(scratch, 'tsconfig.json');
writeFileSync(
  project,
  JSON.stringify({
    extends: join(root, browser ? 'tsconfig.browser.json' : 'tsconfig.json'),
    compilerOptions: {
      noEmit: false,
      allowImportingTsExtensions: false,
      rewriteRelativeImportExtensions: true,
      declaration: true,
      // The repository's typecheck checks these sources; the build only compiles them.
      noCheck: true,
      rootDir: join(dir, 'src'),
      outDir: dist,
      typeRoots: [join(root, 'node_modules/@types')],
    },
    include: [],
    files: [join(dir, 'src/index.ts')],
  }),
);
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', project],
  { stdio: 'inherit' },
);
rmSync(scratch, { recursive: true, force: true });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The license travels with every copy of the package.
copyFileSync(join(root, 'LICENSE'), join(dist, 'LICENSE'));

const declared = new Set(
  Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).concat(manifest.name),
);
// Module specifiers of import and export statements and of import() (comments are not statements).
const IMPORTS =
  /^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
const problems = [];
for (const file of walk(dist)) {
  let text = readFileSync(file, 'utf8');
  if (file.endsWith('.d.ts')) {
    // TypeScript keeps `./x.ts` in declaration files; consumers' resolvers look for `./x.js`.
    text = text.replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
    writeFileSync(file, text);
  }
  // Every package the output imports must be installed with it: a dependency of this package.
  for (const match of text.matchAll(IMPORTS)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0];
    if (!declared.has(name)) problems.push(`${file}: imports ${specifier}, not a dependency`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

function* walk(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (/\.(js|d\.ts)$/.test(entry.name)) yield path;
  }
}

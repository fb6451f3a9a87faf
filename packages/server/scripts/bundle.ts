/**
 * Builds the published form of `@latchkey/server` (its `npm run build`, run again by `npm pack`):
 *
 *   dist/latchkey.js   the CLI that `bin/latchkey.js` runs outside this repository
 *   dist/index.js      the library (`import { buildServer } from '@latchkey/server'`)
 *   dist/index.d.ts    its declarations, with those of the packages it holds under dist/types/
 *
 * latchkey's internal packages (core, store, console) are compiled in and the console's page,
 * script and stylesheet are bundled once here and embedded, so nothing in dist/ needs TypeScript,
 * esbuild or another `@latchkey/` package at run time. npm packages stay external and are
 * dependencies of this package. Plain `node` runs the result: it starts faster and keeps about
 * 35 MB less resident than the sources through tsx (no loader thread, no transpiled sources).
 *
 *   npm run build -w @latchkey/server
 *   node packages/server/dist/latchkey.js serve --db sqlite:./latchkey.db
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleConsole } from '@latchkey/console';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const repositoryRoot = resolve(packageDir, '../..');
/** The workspace packages compiled into this one; none of them is published on its own. */
const HELD_PACKAGES = ['core', 'store', 'console'] as const;

/**
 * Bundles the CLI and the library into `outdir` (default: the package's dist/), which must sit
 * inside the repository so that npm dependencies resolve from node_modules. Returns the CLI's path.
 * Source maps (pointing at this checkout's sources) are for profiling here; the published build
 * has none, since its sources are not in the package.
 */
export async function bundleServer(
  outdir: string = resolve(packageDir, 'dist'),
  options: { sourcemap?: boolean } = {},
): Promise<string> {
  const manifest = JSON.parse(await readFile(resolve(packageDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const result = await build({
    entryPoints: {
      latchkey: resolve(packageDir, 'src/cli/main.ts'),
      index: resolve(packageDir, 'src/index.ts'),
    },
    outdir,
    // Chunks stay beside the entry points: `src/version.ts` finds package.json one folder up.
    chunkNames: '[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: (options.sourcemap ?? true) ? 'linked' : false,
    metafile: true,
    logLevel: 'warning',
    plugins: [workspacePackages(), embeddedConsole()],
  });
  // Every npm package the bundle loads must be installed with it.
  const missing = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:')) continue;
      const name = packageName(imported.path);
      if (!(name in manifest.dependencies)) missing.add(name);
    }
  }
  if (missing.size > 0) {
    throw new Error(`the bundle loads packages that are not dependencies: ${[...missing]}`);
  }
  return resolve(outdir, 'latchkey.js');
}

/** Compiles latchkey's own packages in; every npm package stays external. */
function workspacePackages(): Plugin {
  return {
    name: 'latchkey-workspace',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith('@latchkey/') ? undefined : { path: args.path, external: true },
      );
    },
  };
}

/**
 * Replaces `@latchkey/console` (which bundles its UI with esbuild on first use) by a module that
 * holds the bundled UI: the published server serves the console without esbuild or its sources.
 */
function embeddedConsole(): Plugin {
  return {
    name: 'latchkey-console-embedded',
    setup(b) {
      b.onResolve({ filter: /^@latchkey\/console$/ }, () => ({
        path: 'console-assets',
        namespace: 'latchkey-console',
      }));
      b.onLoad({ filter: /.*/, namespace: 'latchkey-console' }, async () => {
        const assets = await bundleConsole();
        return {
          loader: 'js',
          contents: [
            `const assets = Object.freeze(${JSON.stringify(assets)});`,
            'export const consoleAssets = () => Promise.resolve(assets);',
            'export const bundleConsole = () => Promise.resolve(assets);',
          ].join('\n'),
        };
      });
    },
  };
}

/**
 * Writes the library's declarations: those of the server and of the packages it holds, under
 * dist/types/<package>/, with `@latchkey/<package>` imports turned into relative ones, and
 * dist/index.d.ts re-exporting the server's entry point.
 */
export async function writeDeclarations(outdir: string = resolve(packageDir, 'dist')) {
  const types = resolve(outdir, 'types');
  await rm(types, { recursive: true, force: true });
  const scratch = await mkdtemp(join(tmpdir(), 'latchkey-types-'));
  const project = join(scratch, 'tsconfig.json');
  const paths = Object.fromEntries(
    HELD_PACKAGES.map((name) => [
      `@latchkey/${name}`,
      [resolve(repositoryRoot, `packages/${name}/src/index.ts`)],
    ]),
  );
  await writeFile(
    project,
    JSON.stringify({
      extends: resolve(repositoryRoot, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        emitDeclarationOnly: true,
        declaration: true,
        // The repository's typecheck checks these sources; the build only writes declarations.
        noCheck: true,
        rootDir: resolve(repositoryRoot, 'packages'),
        outDir: types,
        typeRoots: [resolve(repositoryRoot, 'node_modules/@types')],
        paths,
      },
      include: [],
      files: [resolve(packageDir, 'src/index.ts')],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', project],
    { stdio: 'inherit' },
  );
  await rm(scratch, { recursive: true, force: true });
  if (tsc.status !== 0) throw new Error('tsc could not write the declarations');
  for (const file of await declarationFiles(types)) {
    const text = await readFile(file, 'utf8');
    const rewritten = text
      .replace(/(['"])(\.{1,2}\/[^'"]+)\.ts\1/g, '$1$2.js$1')
      .replace(/(['"])@latchkey\/([a-z]+)\1/g, (whole, quote: string, name: string) => {
        if (!(HELD_PACKAGES as readonly string[]).includes(name)) return whole;
        const target = relative(dirname(file), resolve(types, name, 'src/index.js'));
        return `${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
      });
    await writeFile(file, rewritten);
  }
  await writeFile(resolve(outdir, 'index.d.ts'), "export * from './types/server/src/index.js';\n");
}

async function declarationFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(packageDir, 'dist');
  await rm(outdir, { recursive: true, force: true });
  const written = await bundleServer(outdir, { sourcemap: false });
  await writeDeclarations(outdir);
  // The license travels with every copy of the package.
  await copyFile(resolve(repositoryRoot, 'LICENSE'), resolve(outdir, 'LICENSE'));
  process.stdout.write(`${written}\n`);
}

// Bundles @latchkey/browser (with @simplewebauthn/browser inside) in memory, for the build script,
// for tests that serve the SDK to a real browser, and for apps that bundle it themselves (with
// esbuild, an optional peer dependency of the published package).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SOURCE = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/**
 * The SDK's entry point: its sources in this repository, the compiled modules in the published
 * package (which ships dist/ and not src/).
 */
export const ENTRY = existsSync(SOURCE)
  ? SOURCE
  : fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** The global name the script-tag build defines. */
export const GLOBAL_NAME = 'Latchkey';

/**
 * Builds the SDK and returns its code.
 *
 * @example
 * const iife = await bundleLatchkey({ format: 'iife' }); // defines window.Latchkey
 * const esm = await bundleLatchkey({ format: 'esm', minify: false });
 */
export async function bundleLatchkey({ format = 'iife', minify = true } = {}) {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format,
    ...(format === 'iife' ? { globalName: GLOBAL_NAME } : {}),
    platform: 'browser',
    target: ['es2022'],
    minify,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

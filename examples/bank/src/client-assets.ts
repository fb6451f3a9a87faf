/**
 * The browser code, bundled once at startup with esbuild (no build step to forget): the page
 * scripts in `client/` with `@latchkey/browser` inside, plus the stylesheet.
 */
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/** The page scripts, by the name their `<script>` tag asks for. */
export const PAGE_SCRIPTS = ['sign-in', 'account', 'recover'] as const;

/** Files served under `/assets/`, by name, with their content type. */
export type ClientAssets = Map<string, { body: string; contentType: string }>;

const root = new URL('../', import.meta.url);

/**
 * Bundles the page scripts and reads the stylesheet.
 *
 * @example
 * const assets = await buildClientAssets();
 * assets.get('account.js')?.body;
 */
export async function buildClientAssets(): Promise<ClientAssets> {
  const result = await build({
    entryPoints: Object.fromEntries(
      PAGE_SCRIPTS.map((name) => [name, new URL(`client/${name}.ts`, root).pathname]),
    ),
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/assets',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const assets: ClientAssets = new Map();
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    assets.set(name, { body: file.text, contentType: 'text/javascript; charset=utf-8' });
  }
  assets.set('bank.css', {
    body: await readFile(new URL('public/bank.css', root), 'utf8'),
    contentType: 'text/css; charset=utf-8',
  });
  return assets;
}

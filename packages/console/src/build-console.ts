import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The console as the server sends it: one page, one script, one stylesheet. */
export interface ConsoleAssets {
  html: string;
  js: string;
  css: string;
}

const UI_DIR = new URL('./ui/', import.meta.url);

const HTML = `<!doctype html>
<html lang="en" data-theme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>latchkey console</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/console.js"></script>
</head>
<body>
<div id="root"><noscript>The latchkey console needs JavaScript.</noscript></div>
</body>
</html>
`;

/**
 * Bundles the console (Preact, Pico CSS, Chart.js and the console's own code) with esbuild, in
 * memory. Nothing is fetched at run time: every byte the page needs is in these three strings.
 *
 * @example
 * const { html, js, css } = await bundleConsole();
 */
export async function bundleConsole(options: { minify?: boolean } = {}): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: {
      console: fileURLToPath(new URL('main.tsx', UI_DIR)),
      styles: fileURLToPath(new URL('styles.css', UI_DIR)),
    },
    bundle: true,
    write: false,
    outdir: '/latchkey-console',
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('console.js'))?.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('styles.css'))?.text;
  if (js === undefined || css === undefined) throw new Error('console bundle is incomplete');
  return { html: HTML, js, css };
}

let bundled: Promise<ConsoleAssets> | undefined;

/**
 * The console's assets, bundled once per process on first use and kept in memory.
 *
 * @example
 * reply.type('text/html').send((await consoleAssets()).html);
 */
export function consoleAssets(): Promise<ConsoleAssets> {
  if (!bundled) {
    bundled = bundleConsole();
    // A failed bundle is not cached: the next request tries again.
    bundled.catch(() => {
      bundled = undefined;
    });
  }
  return bundled;
}

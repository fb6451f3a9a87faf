/** `@latchkey/console`: the operator console, bundled for the server to serve at `/console`. */
export { bundleConsole, type ConsoleAssets, consoleAssets } from './build-console.ts';

import { readFileSync } from 'node:fs';

/**
 * The server's version, read from its package.json. The path resolves from both the sources
 * (`src/version.ts`) and the build (`dist/*.js`): each sits one folder below it.
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

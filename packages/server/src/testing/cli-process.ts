/** The `latchkey` CLI as an operator runs it: a real process, for tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The CLI's entry point (what `npx latchkey` runs). */
export const LATCHKEY_BIN = new URL('../../bin/latchkey.js', import.meta.url).pathname;

const run = promisify(execFile);

/**
 * Runs `latchkey <args>` and resolves with its standard output; rejects when it exits non-zero.
 *
 * @example
 * const app = JSON.parse(await runCli('apps', 'create', '--name', 'demo', '--origin', ORIGIN, '--json', '--db', db));
 */
export async function runCli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [LATCHKEY_BIN, ...args], { timeout: 30_000 });
  return stdout;
}

/** The `latchkey` CLI as an operator runs it: a real process, for tests. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A CLI bound to one SQLite database in a temporary directory. */
export interface TempDbCli {
  /** The temporary directory, for the files a test hands the CLI. */
  dir: string;
  /** `sqlite:<dir>/latchkey.db` */
  db: string;
  /** Runs `latchkey <args> --db <db> --json` and parses its output. */
  json(...args: string[]): Promise<any>;
  /** Asserts `latchkey <args> --db <db>` exits 1 with standard error matching `stderr`. */
  fails(args: string[], stderr: RegExp): Promise<void>;
  /** Removes the directory. */
  remove(): void;
}

/**
 * A CLI over a fresh SQLite database, for tests of commands and their refusals.
 *
 * @example
 * const cli = tempDbCli('latchkey-cli-');
 * const app = await cli.json('apps', 'create', '--name', 'bank', '--origin', ORIGIN);
 * await cli.fails(['apps', 'update', '--app', app.app_id, '--nonce-ttl', '1'], /--nonce-ttl/);
 */
export function tempDbCli(prefix: string): TempDbCli {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  return {
    dir,
    db,
    json: async (...args) =>
      JSON.parse(
        (await run(process.execPath, [LATCHKEY_BIN, ...args, '--db', db, '--json'])).stdout,
      ),
    fails: (args, stderr) =>
      assert.rejects(
        run(process.execPath, [LATCHKEY_BIN, ...args, '--db', db]),
        (error: { code?: number; stderr?: string }) =>
          error.code === 1 && stderr.test(error.stderr ?? ''),
      ),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

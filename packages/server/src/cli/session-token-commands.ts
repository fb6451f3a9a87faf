import {
  listSigningKeys,
  type RequestContext,
  type Runtime,
  rotateSigningKey,
  type SigningKeySummary,
} from '@latchkey/core';
import type { Command } from 'commander';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function keyJson(key: SigningKeySummary) {
  return {
    key_id: key.id,
    algorithm: key.algorithm,
    status: key.active ? 'active' : 'retiring',
    created_at: iso(key.createdAt),
    retires_at: iso(key.retiresAt),
  };
}

/**
 * One signing key as a plain line: id, algorithm, created, and whether it signs or until when it
 * stays published.
 */
function keyLine(key: SigningKeySummary): string {
  return [
    key.id,
    key.algorithm,
    `created ${iso(key.createdAt)}`,
    key.active ? 'active' : `retiring ${iso(key.retiresAt)}`,
  ].join('  ');
}

/** `latchkey session-keys list|rotate`: an app's session-token signing keys. */
export function addSessionTokenCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const keys = program
    .command('session-keys')
    .description("manage an app's session-token signing keys");

  keys
    .command('list')
    .description("list an app's published signing keys (never their private parts)")
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const list = await listSigningKeys(runtime, options.app);
        process.stdout.write(
          options.json
            ? `${JSON.stringify(list.map(keyJson), null, 2)}\n`
            : `${list.length ? list.map(keyLine).join('\n') : 'no signing keys yet: one is made with the first session token'}\n`,
        );
      });
    });

  keys
    .command('rotate')
    .description('sign with a new key; the previous ones stay published for the overlap')
    .requiredOption('--app <id>', 'app id')
    .option(
      '--overlap <seconds>',
      'how long the previous keys stay published (default: token lifetime + 300)',
    )
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      // Core refuses a value that is not a whole number in range, with the bounds in its message.
      const overlap = options.overlap === undefined ? undefined : Number(options.overlap);
      await withRuntime(options.db, async (runtime) => {
        const rotated = await rotateSigningKey(
          runtime,
          { appId: options.app, ...(overlap === undefined ? {} : { overlapSeconds: overlap }) },
          context,
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ key: keyJson(rotated), retired: rotated.retired }, null, 2)}\n`
            : `new signing key ${rotated.id}; ${rotated.retired} previous key(s) stay published for the overlap\n`,
        );
      });
    });
}

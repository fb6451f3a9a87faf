import {
  createApiKey,
  listApiKeys,
  type RequestContext,
  type Runtime,
  revokeApiKey,
} from '@latchkey/core';
import type { Command } from 'commander';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * One key or token as a plain line: its id, name (tokens), when it was created and last used, and
 * whether it still works. The same columns `--json` gives, in the same order.
 *
 * @example
 * credentialLine({ id: 'k1', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, revokedAt: null })
 * // 'k1  created 2026-01-01T00:00:00.000Z  last used never  active'
 */
export function credentialLine(row: {
  id: string;
  name?: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}): string {
  return [
    row.id,
    ...(row.name === undefined ? [] : [row.name]),
    `created ${row.createdAt}`,
    `last used ${row.lastUsedAt ?? 'never'}`,
    row.revokedAt ? `revoked ${row.revokedAt}` : 'active',
  ].join('  ');
}

/** `latchkey keys create|list|revoke`: an app's API keys. */
export function addKeysCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const keys = program.command('keys').description("manage an app's API keys");

  keys
    .command('create')
    .description('create an API key (shown once)')
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const key = await createApiKey(runtime, { appId: options.app }, context);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ app_id: options.app, key_id: key.id, api_key: key.apiKey }, null, 2)}\n`
            : `key_id:  ${key.id}\napi_key: ${key.apiKey}\n\nThe API key is shown only now.\n`,
        );
      });
    });

  keys
    .command('list')
    .description("list an app's keys (never their secrets)")
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const list = await listApiKeys(runtime, options.app);
        const rows = list.map((k) => ({
          key_id: k.id,
          created_at: iso(k.createdAt),
          last_used_at: iso(k.lastUsedAt ?? null),
          revoked_at: iso(k.revokedAt ?? null),
        }));
        const human = rows.map((k) =>
          credentialLine({
            id: k.key_id,
            createdAt: k.created_at,
            lastUsedAt: k.last_used_at,
            revokedAt: k.revoked_at,
          }),
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify(rows, null, 2)}\n`
            : `${human.join('\n') || 'no keys'}\n`,
        );
      });
    });

  keys
    .command('revoke')
    .description('revoke an API key by its id (or the whole key)')
    .requiredOption('--app <id>', 'app id')
    .argument('<key-id>', 'key id')
    .option('--db <url>', 'database URL')
    .action(async (keyId: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        await revokeApiKey(runtime, { appId: options.app, keyId }, context);
        process.stdout.write(`revoked ${keyId}\n`);
      });
    });
}

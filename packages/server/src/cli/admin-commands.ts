import {
  createOperatorToken,
  listOperatorTokens,
  type RequestContext,
  type Runtime,
  revokeOperatorToken,
} from '@latchkey/core';
import type { Command } from 'commander';
import { credentialLine } from './keys-commands.ts';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `latchkey admin create-token|list-tokens|revoke-token`: operator credentials for the console. */
export function addAdminCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const admin = program
    .command('admin')
    .description('operator credentials for the admin API and the console');

  admin
    .command('create-token')
    .description('create an operator token (shown once; only its hash is stored)')
    .option('--name <name>', 'who or what the token is for', 'operator')
    .option('--db <url>', 'database URL')
    .option('--json', 'print one JSON object')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const created = await createOperatorToken(runtime, { name: options.name }, context);
        const json = {
          token_id: created.id,
          name: created.record.name,
          token: created.token,
          created_at: iso(created.record.createdAt),
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(json, null, 2)}\n`
            : [
                `token_id: ${created.id}`,
                `token:    ${created.token}`,
                '',
                'The token is shown only now. Sign in to the console at /console with it.',
                '',
              ].join('\n'),
        );
      });
    });

  admin
    .command('list-tokens')
    .description('list operator tokens (never their secrets)')
    .option('--db <url>', 'database URL')
    .option('--json', 'print a JSON array')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const rows = (await listOperatorTokens(runtime)).map((t) => ({
          token_id: t.id,
          name: t.name,
          created_at: iso(t.createdAt),
          last_used_at: iso(t.lastUsedAt),
          revoked_at: iso(t.revokedAt),
        }));
        process.stdout.write(
          options.json
            ? `${JSON.stringify(rows, null, 2)}\n`
            : `${
                rows
                  .map((t) =>
                    credentialLine({
                      id: t.token_id,
                      name: t.name,
                      createdAt: t.created_at,
                      lastUsedAt: t.last_used_at,
                      revokedAt: t.revoked_at,
                    }),
                  )
                  .join('\n') || 'no operator tokens'
              }\n`,
        );
      });
    });

  admin
    .command('revoke-token')
    .description('revoke an operator token; its console sessions end with it')
    .argument('<token-id>', 'token id')
    .option('--db <url>', 'database URL')
    .action(async (tokenId: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        await revokeOperatorToken(runtime, { tokenId }, context);
        process.stdout.write(`revoked ${tokenId}\n`);
      });
    });
}

import {
  type AppRecord,
  createApiKey,
  createApp,
  createRuntime,
  getApp,
  isLatchkeyError,
  listApiKeys,
  listApps,
  type Runtime,
  revokeApiKey,
  updateApp,
} from '@latchkey/core';
import { migrateToLatest, openStore } from '@latchkey/store';
import { Command } from 'commander';
import {
  auditRetentionDays,
  databaseUrl,
  listenHost,
  listenPort,
  logLevel,
  redisUrl,
  sweepIntervalSeconds,
  trustProxy,
} from '../config.ts';
import { serve } from '../serve.ts';
import { addActionsCommands } from './actions-commands.ts';
import { addAdminCommands } from './admin-commands.ts';
import { addPolicyOptions, policyFromOptions } from './policy-flags.ts';

const cliContext = { ip: null, userAgent: 'latchkey-cli', requestId: null };

async function withRuntime<T>(
  db: string | undefined,
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const store = await openStore({ url: databaseUrl(db) });
  try {
    return await run(createRuntime({ store }));
  } finally {
    await store.close();
  }
}

function appJson(app: AppRecord): Record<string, unknown> {
  return {
    app_id: app.id,
    name: app.name,
    rp_id: app.rpId,
    origins: app.origins,
    policy: app.policy,
    created_at: new Date(app.createdAt).toISOString(),
  };
}

function print(json: boolean, value: Record<string, unknown> | unknown[], human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

const program = new Command('latchkey')
  .description('latchkey: a self-hosted passkey server')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the server (creates and migrates the database on first start)')
  .option('--port <port>', 'port to listen on (env PORT, default 8080)')
  .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
  .option('--db <url>', 'sqlite:<path> or postgres://… (env LATCHKEY_DATABASE_URL)')
  .option('--log-level <level>', 'pino log level (env LOG_LEVEL, default info)')
  .option('--redis <url>', 'count rate limits in this Redis (env LATCHKEY_REDIS_URL)')
  .option(
    '--trust-proxy [hops|addresses]',
    'take the client IP from X-Forwarded-For as the nearest of this many proxies (bare: 1), or of these comma-separated proxy addresses/CIDRs, saw it (env LATCHKEY_TRUST_PROXY)',
  )
  .option(
    '--sweep-interval <seconds>',
    'seconds between sweeps of expired rows (env LATCHKEY_SWEEP_INTERVAL, default 60)',
  )
  .option(
    '--audit-retention <days>',
    'delete audit events older than this many days; 0 keeps them forever (env LATCHKEY_AUDIT_RETENTION_DAYS, default 90)',
  )
  .action(async (options) => {
    const redis = redisUrl(options.redis);
    await serve({
      databaseUrl: databaseUrl(options.db),
      port: listenPort(options.port),
      host: listenHost(options.host),
      logLevel: logLevel(options.logLevel),
      trustProxy: trustProxy(options.trustProxy),
      sweepIntervalMs: sweepIntervalSeconds(options.sweepInterval) * 1000,
      auditRetentionMs: auditRetentionDays(options.auditRetention) * 86_400_000,
      ...(redis ? { redisUrl: redis } : {}),
    });
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .option('--db <url>', 'database URL')
  .action(async (options) => {
    const store = await openStore({ url: databaseUrl(options.db), migrate: false });
    try {
      const applied = await migrateToLatest(store.db);
      process.stdout.write(
        applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
      );
    } finally {
      await store.close();
    }
  });

const apps = program.command('apps').description('manage apps (relying parties)');

addPolicyOptions(
  apps
    .command('create')
    .description('create an app and its first API key (shown once)')
    .requiredOption('--name <name>', 'display name, shown by passkey managers')
    .requiredOption(
      '--origin <origin>',
      'an allowed origin (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--rp-id <id>', "RP ID (default: the first origin's host name)")
    .option('--db <url>', 'database URL')
    .option('--json', 'print one JSON object'),
).action(async (options, command: Command) => {
  await withRuntime(options.db, async (runtime) => {
    const { app, apiKey, apiKeyId } = await createApp(
      runtime,
      {
        name: options.name,
        origins: options.origin,
        ...(options.rpId ? { rpId: options.rpId } : {}),
        policy: policyFromOptions(options, (n) => command.getOptionValueSource(n) === 'cli'),
      },
      cliContext,
    );
    print(
      options.json,
      { ...appJson(app), api_key: apiKey, api_key_id: apiKeyId },
      [
        `app_id:  ${app.id}`,
        `rp_id:   ${app.rpId}`,
        `origins: ${app.origins.join(', ')}`,
        `api_key: ${apiKey}`,
        '',
        'The API key is shown only now: store it in your backend’s secrets.',
      ].join('\n'),
    );
  });
});

addPolicyOptions(
  apps
    .command('update')
    .description("change an app's name, origins, RP ID or policy")
    .requiredOption('--app <id>', 'app id')
    .option('--name <name>', 'display name')
    .option(
      '--origin <origin>',
      'replace the allowed origins (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--rp-id <id>', 'RP ID (existing passkeys stop working when it changes)')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON'),
).action(async (options, command: Command) => {
  await withRuntime(options.db, async (runtime) => {
    const app = await updateApp(
      runtime,
      {
        appId: options.app,
        ...(options.name ? { name: options.name } : {}),
        ...(options.origin ? { origins: options.origin } : {}),
        ...(options.rpId ? { rpId: options.rpId } : {}),
        policy: policyFromOptions(options, (n) => command.getOptionValueSource(n) === 'cli'),
      },
      cliContext,
    );
    print(options.json, appJson(app), `updated ${app.id}\n${JSON.stringify(app.policy, null, 2)}`);
  });
});

apps
  .command('show')
  .description('show one app and its policy')
  .requiredOption('--app <id>', 'app id')
  .option('--db <url>', 'database URL')
  .option('--json', 'print JSON')
  .action(async (options) => {
    await withRuntime(options.db, async (runtime) => {
      const app = await getApp(runtime, options.app);
      print(options.json, appJson(app), JSON.stringify(appJson(app), null, 2));
    });
  });

apps
  .command('list')
  .description('list apps')
  .option('--db <url>', 'database URL')
  .option('--json', 'print a JSON array')
  .action(async (options) => {
    await withRuntime(options.db, async (runtime) => {
      const list = await listApps(runtime);
      print(
        options.json,
        list.map(appJson),
        list.length
          ? list.map((a) => `${a.id}  ${a.name}  ${a.rpId}  ${a.origins.join(',')}`).join('\n')
          : 'no apps yet: latchkey apps create --name NAME --origin ORIGIN',
      );
    });
  });

const keys = program.command('keys').description("manage an app's API keys");

keys
  .command('create')
  .description('create an API key (shown once)')
  .requiredOption('--app <id>', 'app id')
  .option('--db <url>', 'database URL')
  .option('--json', 'print JSON')
  .action(async (options) => {
    await withRuntime(options.db, async (runtime) => {
      const key = await createApiKey(runtime, { appId: options.app }, cliContext);
      print(
        options.json,
        { app_id: options.app, key_id: key.id, api_key: key.apiKey },
        `key_id:  ${key.id}\napi_key: ${key.apiKey}\n\nThe API key is shown only now.`,
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
        created_at: new Date(k.createdAt).toISOString(),
        last_used_at: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
        revoked_at: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
      }));
      print(
        options.json,
        rows,
        rows
          .map(
            (k) =>
              `${k.key_id}  created ${k.created_at}  ${k.revoked_at ? `revoked ${k.revoked_at}` : 'active'}`,
          )
          .join('\n') || 'no keys',
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
      await revokeApiKey(runtime, { appId: options.app, keyId }, cliContext);
      process.stdout.write(`revoked ${keyId}\n`);
    });
  });

addActionsCommands(program, withRuntime, cliContext);
addAdminCommands(program, withRuntime, cliContext);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = isLatchkeyError(error)
    ? `${error.code}: ${error.message}`
    : String(error instanceof Error ? error.message : error);
  process.stderr.write(`latchkey: ${message}\n`);
  process.exit(1);
}

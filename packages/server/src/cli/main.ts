import {
  type AppRecord,
  appWellKnownDocument,
  createApp,
  createRuntime,
  getApp,
  isLatchkeyError,
  listApps,
  type Runtime,
  updateApp,
  WELL_KNOWN_FILES,
} from '@latchkey/core';
import { migrateToLatest, type OpenStoreOptions, openStore, type SqlStore } from '@latchkey/store';
import { Command, Option } from 'commander';
import {
  auditRetentionDays,
  databaseUrl,
  listenHost,
  listenPort,
  logFormat,
  logLevel,
  redisUrl,
  refusedCredentialsPerIp,
  SettingError,
  sweepIntervalSeconds,
  trustProxy,
} from '../config.ts';
import { LOG_FORMATS } from '../log-format.ts';
import { serve } from '../serve.ts';
import { SERVER_VERSION } from '../version.ts';
import { addActionsCommands } from './actions-commands.ts';
import { addAdminCommands } from './admin-commands.ts';
import {
  CliFailure,
  databaseFailure,
  describeFailure,
  listenFailure,
  UsageFailure,
} from './cli-errors.ts';
import { addKeysCommands } from './keys-commands.ts';
import { addMdsCommands } from './mds-commands.ts';
import { addPolicyOptions, policyFromOptions } from './policy-flags.ts';
import { addPortabilityCommands } from './portability-commands.ts';
import { addSessionTokenCommands } from './session-token-commands.ts';
import { addWebhooksCommands } from './webhooks-commands.ts';

const cliContext = { ip: null, userAgent: 'latchkey-cli', requestId: null };

/** The `apps update` flag that gives each well-known document something to say. */
const WELL_KNOWN_FLAGS = {
  webauthn: '--related-origin',
  'assetlinks.json': '--android-app',
  'apple-app-site-association': '--apple-app',
} as const;

/** Opens the database, reporting one that cannot be reached or opened as such. */
async function openDatabase(options: OpenStoreOptions): Promise<SqlStore> {
  try {
    return await openStore(options);
  } catch (error) {
    throw databaseFailure(error, options.url) ?? error;
  }
}

/** A setting read from a flag or the environment; any refusal is the operator's to fix. */
function setting<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && !(error instanceof SettingError)) {
      throw new SettingError(error.message);
    }
    throw error;
  }
}

async function withRuntime<T>(
  db: string | undefined,
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const store = await openDatabase({ url: databaseUrl(db) });
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
  .version(SERVER_VERSION, '-V, --version', 'print the version');

program
  .command('serve')
  .description('run the server (creates and migrates the database on first start)')
  .option('--port <port>', 'port to listen on (env PORT, default 8080)')
  .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
  .option('--db <url>', 'sqlite:<path> or postgres://… (env LATCHKEY_DATABASE_URL)')
  .option('--log-level <level>', 'pino log level (env LOG_LEVEL, default info)')
  .addOption(
    new Option(
      '--log-format <format>',
      'text: a banner and short lines; json: JSON lines (env LATCHKEY_LOG_FORMAT, default text on a terminal, json otherwise)',
    ).choices(LOG_FORMATS),
  )
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
  .option(
    '--refused-credentials-per-ip <n>',
    'refused API keys, secret keys and operator tokens a minute from one client IP before it gets 429; 0: no limit (env LATCHKEY_REFUSED_CREDENTIALS_PER_IP, default 30)',
  )
  .action(async (options) => {
    const redis = redisUrl(options.redis);
    const url = databaseUrl(options.db);
    const host = listenHost(options.host);
    const port = setting(() => listenPort(options.port));
    try {
      await serve({
        databaseUrl: url,
        databaseSource:
          options.db !== undefined
            ? 'flag'
            : process.env.LATCHKEY_DATABASE_URL !== undefined
              ? 'env'
              : 'default',
        port,
        host,
        logLevel: logLevel(options.logLevel),
        logFormat: setting(() => logFormat(options.logFormat, process.stdout.isTTY === true)),
        trustProxy: setting(() => trustProxy(options.trustProxy)),
        sweepIntervalMs: setting(() => sweepIntervalSeconds(options.sweepInterval)) * 1000,
        auditRetentionMs: setting(() => auditRetentionDays(options.auditRetention)) * 86_400_000,
        refusedCredentialsPerIp: setting(() =>
          refusedCredentialsPerIp(options.refusedCredentialsPerIp),
        ),
        ...(redis ? { redisUrl: redis } : {}),
      });
    } catch (error) {
      throw listenFailure(error, host, port) ?? databaseFailure(error, url) ?? error;
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .option('--db <url>', 'database URL')
  .action(async (options) => {
    const store = await openDatabase({ url: databaseUrl(options.db), migrate: false });
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
    .option('--force', 'change the RP ID even though the app has passkeys, which stop working')
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
        ...(options.force ? { forceRpIdChange: true } : {}),
      },
      cliContext,
    ).catch((error: unknown) => {
      if (!isLatchkeyError(error, 'rp_id_change_refused')) throw error;
      throw new CliFailure(error.code, `${error.message} with --force`);
    });
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

apps
  .command('well-known')
  .description(
    "print one of an app's well-known documents, to host at https://RP_ID/.well-known/FILE",
  )
  .requiredOption('--app <id>', 'app id')
  .addOption(
    new Option('--file <file>', 'which document').choices(WELL_KNOWN_FILES).makeOptionMandatory(),
  )
  .option('--db <url>', 'database URL')
  .action(async (options) => {
    await withRuntime(options.db, async (runtime) => {
      const document = await appWellKnownDocument(runtime, {
        appId: options.app,
        file: options.file,
      });
      if (document === null) {
        throw new CliFailure(
          'not_found',
          `app ${options.app} has no settings for ${options.file}: set ${WELL_KNOWN_FLAGS[options.file as keyof typeof WELL_KNOWN_FLAGS]} with latchkey apps update`,
        );
      }
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    });
  });

addKeysCommands(program, withRuntime, cliContext);
addActionsCommands(program, withRuntime, cliContext);
addAdminCommands(program, withRuntime, cliContext);
addSessionTokenCommands(program, withRuntime, cliContext);
addWebhooksCommands(program, withRuntime, cliContext);
addMdsCommands(program, withRuntime, cliContext);
addPortabilityCommands(program, withRuntime, cliContext);

/**
 * Every command reports a command line it cannot read as one line plus where its help is, rather
 * than commander's message followed by the whole help text.
 */
function reportUsageErrors(command: Command, path: string): void {
  command
    .exitOverride((error) => {
      throw new UsageFailure(error, path);
    })
    .configureOutput({ outputError: () => {} });
  for (const sub of command.commands) reportUsageErrors(sub, `${path} ${sub.name()}`);
}
reportUsageErrors(program, 'latchkey');

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const report = describeFailure(error);
  for (const line of report.lines) process.stderr.write(`${line}\n`);
  process.exit(report.exitCode);
}

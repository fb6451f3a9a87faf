#!/usr/bin/env node
// `npm start`: runs latchkey and the demo bank side by side.
//
// 1. starts `latchkey serve` (127.0.0.1:8080, SQLite ./latchkey.db) and waits for /healthz;
// 2. on first start, creates the bank's latchkey app with `latchkey apps create … --json` and keeps
//    its id and API key in .latchkey-demo.json (git-ignored); later starts reuse it while latchkey
//    still knows it;
// 3. loads the bank's transfer rules (examples/bank/rules/high-value-transfer.json) onto that app
//    with `latchkey actions set`, but only while the app has no rules for that action: rules edited
//    since (in the console or with the CLI) are kept, and the output says so and how to reload the
//    file;
// 4. starts the bank (examples/bank) on http://localhost:3000 with that app, and prints both URLs.
// Ctrl-C (SIGINT) or SIGTERM is passed on to both; if either stops on its own, the other is stopped.
// Stopping says what it waits for: latchkey answers the requests in flight (at most 10 s), then
// closes its database. A second Ctrl-C stops both at once.
//
// Environment: LATCHKEY_PORT (8080), BANK_PORT (3000), LATCHKEY_DATABASE_URL
// (sqlite:./latchkey.db), BANK_DB (./bank.db), LATCHKEY_DEMO_STATE (./.latchkey-demo.json). Relative
// paths are from the repository root.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const env = process.env;
const latchkeyPort = Number(env.LATCHKEY_PORT ?? 8080);
const bankPort = Number(env.BANK_PORT ?? 3000);
const latchkeyUrl = `http://127.0.0.1:${latchkeyPort}`;
const bankOrigin = `http://localhost:${bankPort}`;
const databaseUrl = env.LATCHKEY_DATABASE_URL ?? `sqlite:${resolve(root, 'latchkey.db')}`;
const bankDb = resolve(root, env.BANK_DB ?? 'bank.db');
const statePath = resolve(root, env.LATCHKEY_DEMO_STATE ?? '.latchkey-demo.json');
const latchkeyBin = resolve(root, 'packages/server/bin/latchkey.js');
const rulesFile = resolve(root, 'examples/bank/rules/high-value-transfer.json');
// The database URL as a printed command names it: never with a password in it.
const printableDatabaseUrl = /\/\/[^/@]*:[^/@]*@/.test(databaseUrl)
  ? '"$LATCHKEY_DATABASE_URL"'
  : databaseUrl;

/** @type {Map<string, import('node:child_process').ChildProcess>} */
const children = new Map();
let stopping = false;

function log(line) {
  process.stdout.write(`${line}\n`);
}

/** pino's numeric levels, by the name a person reads. */
const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * A child's output line as a person reads it: a JSON log line becomes its level and message (and
 * the error's message, if any); anything else is shown as it is.
 */
function readable(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.msg !== 'string') return line;
  const error = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
  return `${LEVELS[entry.level] ?? entry.level} ${entry.msg}${error}`;
}

/** Starts a child whose output lines are prefixed with its name. */
function start(name, args, childEnv = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => log(`[${name}] ${readable(line)}`));
  }
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the demo`);
      stop(1);
      return;
    }
    log(`${name} stopped`);
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  return child;
}

/** The running children's names, as a sentence: "latchkey and the bank". */
function runningNames() {
  return [...children.keys()].map((name) => (name === 'bank' ? 'the bank' : name)).join(' and ');
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (children.size === 0) process.exit(code);
  log(`stopping ${runningNames()} (press Ctrl-C again to stop at once)`);
  for (const child of children.values()) child.kill('SIGTERM');
  // Said once, when the wait is long enough to wonder about; latchkey's own line says why.
  setTimeout(() => {
    if (children.size > 0) log(`still waiting for ${runningNames()} to stop…`);
  }, 2_000).unref();
}

/** A second Ctrl-C (or SIGTERM) while stopping: no more waiting. */
function stopNow() {
  log(`stopping ${runningNames()} at once`);
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(130);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => (stopping && children.size > 0 ? stopNow() : stop(0)));
}

async function waitFor(url, what) {
  for (let i = 0; i < 300; i++) {
    if (stopping) throw new Error(`${what} did not start`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer at ${url} within 30 s`);
}

/**
 * Runs the CLI once and returns its standard output. On failure the error carries the CLI's
 * `latchkey: <code>: …` line (also shown, unless `quiet`).
 */
function cli(args, { quiet = false } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [latchkeyBin, ...args, '--db', databaseUrl], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveRun(out)
        : reject(
            Object.assign(new Error(`latchkey ${args[0]} exited with ${code}`), { stderr: err }),
          ),
    );
  });
}

/** The fields a rules file gives, so rules read back from latchkey compare with the file's. */
function comparable(config) {
  return JSON.stringify({
    defaultOutcome: config.defaultOutcome,
    rules: config.rules.map((r) => ({
      name: r.name,
      description: r.description ?? null,
      priority: r.priority,
      outcome: r.outcome,
      conditions: r.conditions,
    })),
  });
}

/**
 * Seeds the demo's transfer rules on the first start only. Rules already there were loaded by an
 * earlier start or edited since (in the console, with the CLI): a restart must not undo an edit.
 */
async function seedRules(appId) {
  const action = 'high-value-transfer';
  let stored = null;
  try {
    stored = JSON.parse(
      await cli(['actions', 'get', '--app', appId, '--action', action, '--json'], { quiet: true }),
    );
  } catch (error) {
    if (!/action_not_found/.test(error.stderr ?? '')) {
      process.stderr.write(error.stderr ?? '');
      throw error;
    }
  }
  if (stored === null) {
    await cli(['actions', 'set', '--app', appId, '--action', action, '--file', rulesFile]);
    log(`loaded the transfer rules for ${action} from ${rulesFile}`);
  } else if (comparable(stored) === comparable(JSON.parse(readFileSync(rulesFile, 'utf8')))) {
    log(`the transfer rules for ${action} are those of ${rulesFile} (version ${stored.version})`);
  } else {
    log(
      `kept the rules you edited for ${action} (version ${stored.version}); to load ${rulesFile} again:`,
    );
    log(
      `  npx latchkey actions set --app ${appId} --action ${action} --file ${rulesFile} --db ${printableDatabaseUrl}`,
    );
  }
}

function readState() {
  if (!existsSync(statePath)) return null;
  try {
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    if (state.origin !== bankOrigin || state.database !== databaseUrl) return null;
    return typeof state.app_id === 'string' && typeof state.api_key === 'string' ? state : null;
  } catch {
    return null;
  }
}

/** The demo's app: the remembered one while latchkey still has it, otherwise a new one. */
async function demoApp() {
  const remembered = readState();
  if (remembered) {
    const res = await fetch(`${latchkeyUrl}/v1/apps/${encodeURIComponent(remembered.app_id)}`);
    if (res.ok) {
      log(`using the demo's latchkey app ${remembered.app_id} (from ${statePath})`);
      return remembered;
    }
  }
  const created = JSON.parse(
    await cli(['apps', 'create', '--name', 'latchkey bank', '--origin', bankOrigin, '--json']),
  );
  const state = {
    app_id: created.app_id,
    api_key: created.api_key,
    origin: bankOrigin,
    database: databaseUrl,
  };
  writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  log(`created the demo's latchkey app ${state.app_id} (saved in ${statePath})`);
  return state;
}

try {
  start('latchkey', [
    latchkeyBin,
    'serve',
    '--port',
    String(latchkeyPort),
    '--host',
    '127.0.0.1',
    '--db',
    databaseUrl,
    '--log-level',
    env.LATCHKEY_LOG_LEVEL ?? 'warn',
  ]);
  await waitFor(`${latchkeyUrl}/healthz`, 'latchkey');
  const app = await demoApp();
  await seedRules(app.app_id);
  start('bank', ['--import', 'tsx', resolve(root, 'examples/bank/src/main.ts')], {
    PORT: String(bankPort),
    HOST: '127.0.0.1',
    BANK_ORIGIN: bankOrigin,
    BANK_DB: bankDb,
    LATCHKEY_URL: latchkeyUrl,
    LATCHKEY_APP_ID: app.app_id,
    LATCHKEY_API_KEY: app.api_key,
  });
  await waitFor(`${bankOrigin}/sign-in`, 'the bank');
  log('');
  log(`  latchkey  ${latchkeyUrl}   (API reference at ${latchkeyUrl}/docs)`);
  log(`  bank      ${bankOrigin}   <- open this in your browser`);
  log(
    `  console   ${latchkeyUrl}/console   (sign in with a token from: npx latchkey admin create-token)`,
  );
  log('');
  log('Press Ctrl-C to stop both.');
} catch (error) {
  log(`npm start: ${error instanceof Error ? error.message : error}`);
  stop(1);
}

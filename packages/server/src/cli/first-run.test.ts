/**
 * What a newcomer meets first, as real processes and real HTTP: `--version`, the server's
 * announcement (JSON lines off a terminal, the banner when asked for text), the page at `/`, and
 * every failure as one `latchkey: <code>: <message>` line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_POLICY, RATE_LIMIT_NAMES } from '@latchkey/core';
import { startSilentServer } from '@latchkey/store/testing';
import { LATCHKEY_BIN, runCli } from '../testing/cli-process.ts';
import { freePort, startInstance } from '../testing/instances.ts';
import { POLICY_FIELD_FLAGS } from './policy-flag-names.ts';

const run = promisify(execFile);
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Runs the CLI and returns how it ended, whatever the status. */
async function attempt(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [LATCHKEY_BIN, ...args], {
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a newcomer running latchkey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-first-run-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the version from the server package with --version and -V', async () => {
    assert.equal(await runCli('--version'), `${VERSION}\n`);
    assert.equal(await runCli('-V'), `${VERSION}\n`);
  });

  it('off a terminal, serve writes only JSON lines, one of them the URLs and database', async () => {
    const server = await startInstance({ databaseUrl: db, args: ['--log-level', 'info'] });
    try {
      await fetch(`${server.url}/healthz`);
      const lines = server.output().trim().split('\n');
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const ready = entries.find((e) => e.msg === 'latchkey ready');
      assert.ok(ready, server.output());
      assert.equal(ready.api, server.url);
      assert.equal(ready.docs, `${server.url}/docs`);
      assert.equal(ready.console, `${server.url}/console`);
      assert.equal(ready.database, db);
      assert.equal(ready.version, VERSION);
    } finally {
      await server.stop();
    }
  });

  it('with --log-format text, serve prints the banner and text log lines', async () => {
    const server = await startInstance({
      databaseUrl: db,
      args: ['--log-level', 'info', '--log-format', 'text'],
    });
    try {
      const output = server.output();
      assert.match(output, new RegExp(`latchkey ${VERSION.replaceAll('.', '\\.')} is running`));
      assert.ok(output.includes(`API docs     ${server.url}/docs`), output);
      assert.ok(output.includes(`npx latchkey apps create --name "My app"`), output);
      assert.match(output, /^\d\d:\d\d:\d\d INFO {2}Server listening/m);
      assert.ok(!output.includes('{"level"'), output);
    } finally {
      await server.stop();
    }
  });

  it('serves a landing page at / : HTML to a browser, JSON to a program', async () => {
    const server = await startInstance({ databaseUrl: db });
    try {
      const page = await fetch(`${server.url}/`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.match(page.headers.get('vary') ?? '', /Accept/);
      const html = await page.text();
      for (const link of ['/docs', '/console', '/openapi.json', '/healthz']) {
        assert.ok(html.includes(`href="${link}"`), link);
      }
      assert.ok(html.includes(VERSION));
      const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
        info: { version: string };
      };
      assert.equal(openapi.info.version, VERSION);
      const doc = await fetch(`${server.url}/`);
      assert.match(doc.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await doc.json(), {
        name: 'latchkey',
        version: VERSION,
        links: {
          docs: '/docs',
          console: '/console',
          openapi: '/openapi.json',
          health: '/healthz',
          ready: '/readyz',
        },
      });
    } finally {
      await server.stop();
    }
  });

  it('a missing or unknown option is one line and where the help is, exit 1', async () => {
    const missing = await attempt('apps', 'create', '--origin', 'http://localhost:3000');
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      "latchkey: missing_option: required option '--name <name>' not specified\n" +
        "run 'latchkey apps create --help' for usage\n",
    );
    const unknown = await attempt('keys', 'list', '--app', 'x', '--nope');
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.stderr,
      "latchkey: unknown_option: unknown option '--nope'\nrun 'latchkey keys list --help' for usage\n",
    );
    const setting = await attempt('serve', '--port', 'eighty');
    assert.equal(setting.code, 1);
    assert.equal(setting.stderr, 'latchkey: invalid_setting: invalid port: eighty\n');
  });

  it('a database that cannot be reached is named, without its password, exit 1', async () => {
    const port = await freePort();
    const url = `postgres://ada:s3cret@127.0.0.1:${port}/latchkey`;
    const listed = await attempt('apps', 'list', '--db', url);
    assert.equal(listed.code, 1);
    assert.equal(
      listed.stderr,
      `latchkey: database_unreachable: could not connect to postgres://ada:***@127.0.0.1:${port}/latchkey: connection refused\n`,
    );
    const served = await attempt('serve', '--port', String(await freePort()), '--db', url);
    assert.equal(served.code, 1);
    assert.match(served.stderr, /^latchkey: database_unreachable: could not connect to /);
    assert.ok(!served.stderr.includes('s3cret') && !served.stdout.includes('s3cret'));
  });

  it('a database that accepts and never answers is given up on, in one line, exit 1', async () => {
    const silent = await startSilentServer();
    try {
      const url = `postgres://ada:s3cret@127.0.0.1:${silent.port}/latchkey?connect_timeout=1`;
      const served = await attempt('serve', '--port', String(await freePort()), '--db', url);
      assert.equal(served.code, 1);
      assert.equal(
        served.stderr,
        `latchkey: database_unreachable: could not connect to postgres://ada:***@127.0.0.1:${silent.port}/latchkey?connect_timeout=1: connection timed out (no answer within 1 s; connect_timeout=<seconds> in the URL changes it)\n`,
      );
      const refused = await attempt('apps', 'list', '--db', `${url.slice(0, -1)}0`);
      assert.equal(
        refused.stderr,
        'latchkey: invalid_database_url: invalid connect_timeout "0" in the database URL: expected a whole number of seconds from 1 to 9999\n',
      );
    } finally {
      await silent.close();
    }
  });

  it('a refused policy value names the flag, not the field', async () => {
    const refused = await attempt(
      ...['apps', 'create', '--name', 'a', '--origin', 'http://localhost:3000'],
      ...['--ceremony-ttl', '5', '--db', db],
    );
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'latchkey: invalid_request: --ceremony-ttl must be a whole number of seconds from 10 to 3600\n',
    );
    const limit = await attempt(
      ...['apps', 'create', '--name', 'a', '--origin', 'http://localhost:3000'],
      ...['--failures-per-ip', '-1', '--db', db],
    );
    assert.match(limit.stderr, /^latchkey: invalid_request: --failures-per-ip must be a whole/);
  });

  it('has a flag for every policy field core validates', () => {
    // A nested setting (rate limits, session tokens) has a flag per field.
    const fields = Object.entries(DEFAULT_POLICY).flatMap(([field, value]) =>
      typeof value === 'object' && !Array.isArray(value)
        ? Object.keys(value).map((name) => `${field}.${name}`)
        : [field],
    );
    assert.ok(RATE_LIMIT_NAMES.every((n) => fields.includes(`rateLimits.${n}`)));
    assert.deepEqual(Object.keys(POLICY_FIELD_FLAGS).sort(), fields.sort());
  });

  it('plain keys list and admin list-tokens show when each was last used', async () => {
    const app = JSON.parse(
      await runCli(
        'apps',
        'create',
        '--name',
        'a',
        '--origin',
        'http://localhost:3000',
        '--json',
        '--db',
        db,
      ),
    ) as { app_id: string; api_key_id: string };
    assert.match(
      await runCli('keys', 'list', '--app', app.app_id, '--db', db),
      new RegExp(`^${app.api_key_id} {2}created \\S+ {2}last used never {2}active\\n$`),
    );
    const token = JSON.parse(
      await runCli('admin', 'create-token', '--name', 'ops', '--json', '--db', db),
    );
    assert.match(
      await runCli('admin', 'list-tokens', '--db', db),
      new RegExp(`^${token.token_id} {2}ops {2}created \\S+ {2}last used never {2}active\\n$`),
    );
  });
});

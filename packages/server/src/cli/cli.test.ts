/**
 * The CLI and the server as an operator runs them: real processes, a real SQLite file, real HTTP,
 * and a client that completes register → verify → authenticate → verify → devices → revoke.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { LATCHKEY_BIN, runCli } from '../testing/cli-process.ts';
import { freePort } from '../testing/instances.ts';

const BIN = LATCHKEY_BIN;
const ORIGIN = 'http://localhost:3000';

const cli = runCli;

describe('latchkey CLI and server processes (sqlite)', () => {
  let dir: string;
  let db: string;
  let server: ChildProcess;
  let base: string;
  let app: {
    app_id: string;
    api_key: string;
    api_key_id: string;
    rp_id: string;
    origins: string[];
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    db = `sqlite:${join(dir, 'latchkey.db')}`;
    app = JSON.parse(
      await cli('apps', 'create', '--name', 'demo', '--origin', ORIGIN, '--json', '--db', db),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      process.execPath,
      [BIN, 'serve', '--port', String(port), '--db', db, '--log-level', 'warn'],
      { stdio: 'inherit' },
    );
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not become healthy');
  });

  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    apiKey?: string,
  ): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${base}/v1/apps/${app.app_id}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : { origin: ORIGIN }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('prints one JSON object from apps create --json', () => {
    assert.equal(app.rp_id, 'localhost');
    assert.deepEqual(app.origins, [ORIGIN]);
    assert.match(app.app_id, /^[A-Za-z0-9_-]{22}$/);
    assert.match(app.api_key, /^lk_/);
  });

  it('answers readyz once the database is there', async () => {
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
  });

  it('completes register, verify, authenticate, verify, devices and revoke over HTTP', async () => {
    const authenticator = new SoftwareAuthenticator();
    const tx = await call(
      'POST',
      '/transactions/register',
      { external_id: 'u-1', passkey_display_name: 'ada@example.com' },
      app.api_key,
    );
    assert.equal(tx.status, 201);
    const start = await call('POST', '/register/transactions/webauthn/start', {
      transaction_id: tx.json.transaction_id,
    });
    assert.equal(start.status, 200);
    const credential = await authenticator.createCredential({
      options: start.json.handshake.challenge.publicKey,
      origin: ORIGIN,
    });
    const finish = await call('POST', '/register/transactions/webauthn/finish', {
      transaction_id: tx.json.transaction_id,
      handshake_id: start.json.handshake.id,
      handshake_response: credential,
    });
    assert.equal(finish.status, 200, JSON.stringify(finish.json));
    assert.deepEqual(
      (await call('POST', '/authenticate/verify', { nonce: finish.json.nonce }, app.api_key)).json,
      { external_id: 'u-1' },
    );

    const atx = await call(
      'POST',
      '/transactions/authenticate',
      { external_id: 'u-1' },
      app.api_key,
    );
    const astart = await call('POST', '/authenticate/transactions/webauthn/start', {
      transaction_id: atx.json.transaction_id,
    });
    const assertion = await authenticator.getAssertion({
      options: astart.json.handshake.challenge.publicKey,
      origin: ORIGIN,
    });
    const afinish = await call('POST', '/authenticate/transactions/webauthn/finish', {
      transaction_id: atx.json.transaction_id,
      handshake_id: astart.json.handshake.id,
      handshake_response: assertion,
    });
    assert.equal(afinish.status, 200);
    assert.deepEqual(
      (await call('POST', '/authenticate/verify', { nonce: afinish.json.nonce }, app.api_key)).json,
      { external_id: 'u-1' },
    );

    const users = await call('GET', '/users?identifier=u-1&limit=1', undefined, app.api_key);
    const userId = users.json.users[0].id;
    const devices = await call('GET', `/users/${userId}/devices`, undefined, app.api_key);
    assert.equal(devices.json.devices.length, 1);
    assert.equal(devices.json.devices[0].usage_count, 1);
    const revoked = await call(
      'DELETE',
      `/users/${userId}/devices/${devices.json.devices[0].id}`,
      undefined,
      app.api_key,
    );
    assert.equal(revoked.status, 200);
    assert.deepEqual(
      (await call('GET', `/users/${userId}/devices`, undefined, app.api_key)).json.devices,
      [],
    );
  });

  it('creates and revokes keys from the CLI while the server runs', async () => {
    const created = JSON.parse(
      await cli('keys', 'create', '--app', app.app_id, '--json', '--db', db),
    );
    assert.equal((await call('GET', '/users?limit=1', undefined, created.api_key)).status, 200);
    await cli('keys', 'revoke', '--app', app.app_id, created.key_id, '--db', db);
    assert.equal((await call('GET', '/users?limit=1', undefined, created.api_key)).status, 401);
    const listed = JSON.parse(await cli('keys', 'list', '--app', app.app_id, '--json', '--db', db));
    assert.equal(listed.length, 2);
    assert.equal(JSON.stringify(listed).includes(created.api_key), false);
    // The plain listing has the same columns: the key just used shows when, and that it is revoked.
    const plain = await cli('keys', 'list', '--app', app.app_id, '--db', db);
    const line = plain.split('\n').find((l) => l.startsWith(created.key_id)) ?? '';
    assert.match(line, /created \S+ {2}last used \d{4}-\d\d-\d\dT\S+ {2}revoked \S+$/, plain);
  });

  it('changes policy with apps update, effective at once', async () => {
    const updated = JSON.parse(
      await cli(
        'apps',
        'update',
        '--app',
        app.app_id,
        '--user-verification',
        'preferred',
        '--nonce-ttl',
        '60',
        '--json',
        '--db',
        db,
      ),
    );
    assert.equal(updated.policy.userVerification, 'preferred');
    assert.equal(updated.policy.nonceTtlSeconds, 60);
    const start = await call('POST', '/authenticate/transactions/webauthn/start', {});
    assert.equal(start.json.handshake.challenge.publicKey.userVerification, 'preferred');
  });

  it('lists apps and applies migrations idempotently', async () => {
    const apps = JSON.parse(await cli('apps', 'list', '--json', '--db', db));
    assert.equal(apps.length, 1);
    assert.equal(apps[0].app_id, app.app_id);
    assert.match(await cli('migrate', '--db', db), /up to date/);
  });

  it('refuses a bad origin with a clear message and exit code 1', async () => {
    await assert.rejects(
      cli('apps', 'create', '--name', 'x', '--origin', 'http://evil.example', '--db', db),
      (e: { code?: number; stderr?: string }) => {
        assert.equal(e.code, 1);
        assert.match(
          String(e.stderr),
          /invalid_request: http origins are only allowed on localhost/,
        );
        return true;
      },
    );
  });

  it('refuses an IP-address origin and a public-suffix RP ID, naming the fix', async () => {
    const refused = async (args: string[], message: RegExp): Promise<void> => {
      await assert.rejects(cli(...args, '--db', db), (e: { code?: number; stderr?: string }) => {
        assert.equal(e.code, 1);
        assert.match(String(e.stderr), message);
        return true;
      });
    };
    await refused(
      ['apps', 'create', '--name', 'x', '--origin', 'http://127.0.0.1:3000'],
      /invalid_request: .*use http:\/\/localhost:PORT/,
    );
    await refused(
      [
        'apps',
        'update',
        '--app',
        app.app_id,
        '--origin',
        'https://ada.github.io',
        '--rp-id',
        'github.io',
      ],
      /invalid_request: RP ID github.io is a public suffix/,
    );
  });

  it('serves the OpenAPI document and its rendering', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/v1/apps/{app_id}/transactions/register']);
    assert.ok(doc.paths['/v1/apps/{app_id}/authenticate/transactions/webauthn/finish']);
    const ui = await fetch(`${base}/docs`, { redirect: 'follow' });
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
  });
});

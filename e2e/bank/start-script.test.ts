/**
 * `npm start` (scripts/start.mjs) as a newcomer runs it: latchkey and the bank come up, the demo's
 * app is created once and reused, the bank's transfer rules are loaded on the first start and kept
 * as edited on later ones, and Ctrl-C stops both.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, TRANSFER_RULES_FILE } from '../../examples/bank/testing/demo-stack.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
const running = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startDemo(latchkeyPort: number, bankPort: number): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      LATCHKEY_PORT: String(latchkeyPort),
      BANK_PORT: String(bankPort),
      LATCHKEY_DATABASE_URL: `sqlite:${join(dir, 'latchkey.db')}`,
      BANK_DB: join(dir, 'bank.db'),
      LATCHKEY_DEMO_STATE: join(dir, 'demo.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('<- open this')) {
        clearInterval(check);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  await ready;
  return { child, output: () => output, exited };
}

/** The rules latchkey holds for `high-value-transfer`, read with the app's key. */
async function transferRules(latchkeyUrl: string, apiKey: string) {
  const res = await fetch(`${latchkeyUrl}/v1/action-configs/high-value-transfer`, {
    headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    defaultOutcome: string;
    rules: { name: string; priority: number; conditions: unknown }[];
  };
  return {
    defaultOutcome: body.defaultOutcome,
    rules: body.rules.map((r) => ({
      name: r.name,
      priority: r.priority,
      conditions: r.conditions,
    })),
  };
}

function fileRules() {
  const file = JSON.parse(readFileSync(TRANSFER_RULES_FILE, 'utf8')) as {
    defaultOutcome: string;
    rules: { name: string; priority: number; conditions: unknown }[];
  };
  return {
    defaultOutcome: file.defaultOutcome,
    rules: file.rules.map((r) => ({
      name: r.name,
      priority: r.priority,
      conditions: r.conditions,
    })),
  };
}

/**
 * Opens a connection and sends a request's head, asking to be told before sending the body
 * (`Expect: 100-continue`): the server's "100 Continue" says it has the request, and it is in
 * flight until the body, never sent, arrives.
 */
async function requestInFlight(port: number, app: { app_id: string; api_key: string }) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const continued = new Promise<void>((resolve) =>
    socket.on('data', (chunk) => {
      if (String(chunk).startsWith('HTTP/1.1 100')) resolve();
    }),
  );
  socket.write(
    `POST /v1/apps/${app.app_id}/authenticate/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${app.api_key}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 30\r\nExpect: 100-continue\r\n\r\n',
  );
  await continued;
  return socket;
}

/** Resolves once the demo's output matches `pattern`; fails if it exits first. */
async function until(started: Started, pattern: RegExp): Promise<void> {
  let exited = false;
  void started.exited.then(() => {
    exited = true;
  });
  while (!pattern.test(started.output())) {
    if (exited) assert.fail(`npm start exited before printing ${pattern}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

describe('npm start', () => {
  after(() => {
    for (const child of running) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts latchkey and the bank, keeps edited rules across restarts, stops both on Ctrl-C', async () => {
    const [latchkeyPort, bankPort] = [await freePort(), await freePort()];
    const latchkeyUrl = `http://127.0.0.1:${latchkeyPort}`;
    const bankUrl = `http://localhost:${bankPort}`;
    const first = await startDemo(latchkeyPort, bankPort);
    assert.match(first.output(), new RegExp(`latchkey +${latchkeyUrl}`));
    assert.match(first.output(), new RegExp(`bank +${bankUrl}`));
    assert.match(first.output(), /created the demo's latchkey app/);

    const state = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
    assert.equal((await fetch(`${latchkeyUrl}/healthz`)).status, 200);
    const app = await fetch(`${latchkeyUrl}/v1/apps/${state.app_id}`);
    const body = (await app.json()) as { app: { allowed_origins: string[] } };
    assert.deepEqual(body.app.allowed_origins, [bankUrl]);
    const signIn = await (await fetch(`${bankUrl}/sign-in`)).text();
    assert.match(signIn, new RegExp(`<meta name="latchkey-app-id" content="${state.app_id}">`));
    assert.deepEqual(await transferRules(latchkeyUrl, state.api_key), fileRules());

    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0);
    assert.match(
      first.output(),
      /stopping latchkey and the bank \(press Ctrl-C again to stop at once\)/,
    );
    assert.match(first.output(), /^latchkey stopped$/m);
    assert.match(first.output(), /^bank stopped$/m);
    assert.ok(await refused(`${latchkeyUrl}/healthz`), 'latchkey stopped');
    assert.ok(await refused(`${bankUrl}/sign-in`), 'the bank stopped');

    const second = await startDemo(latchkeyPort, bankPort);
    assert.match(second.output(), /using the demo's latchkey app/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')).app_id, state.app_id);
    assert.match(second.output(), /the transfer rules for high-value-transfer are those of /);
    assert.doesNotMatch(second.output(), /loaded the transfer rules/);
    assert.deepEqual(await transferRules(latchkeyUrl, state.api_key), fileRules());

    // An operator edits a rule (as the console does, over the API), then restarts the demo.
    const edited = JSON.parse(readFileSync(TRANSFER_RULES_FILE, 'utf8'));
    edited.rules[0].conditions = { '>': [{ var: 'custom.amount' }, 100000] };
    const put = await fetch(`${latchkeyUrl}/v1/action-configs/high-value-transfer`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${state.api_key}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(edited),
    });
    assert.equal(put.status, 200, await put.text());
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);

    const third = await startDemo(latchkeyPort, bankPort);
    assert.match(third.output(), /kept the rules you edited for high-value-transfer/);
    assert.match(third.output(), /npx latchkey actions set --app \S+ --action high-value-transfer/);
    const kept = await transferRules(latchkeyUrl, state.api_key);
    assert.deepEqual(kept.rules[0]?.conditions, edited.rules[0].conditions);
    assert.notDeepEqual(kept, fileRules());

    // A client that sent a request's head and not its body holds it in flight: Ctrl-C says what it waits for, and a
    // second Ctrl-C stops both without waiting.
    const stalled = await requestInFlight(latchkeyPort, state);
    third.child.kill('SIGINT');
    await until(third, /\[latchkey\] warn shutting down: waiting for 1 request in flight/);
    assert.equal(third.child.exitCode, null, 'npm start waits for the request in flight');
    third.child.kill('SIGINT');
    assert.equal(await third.exited, 130);
    // The bank may have closed already (it holds no request), so the line names what still runs.
    assert.match(third.output(), /stopping (latchkey and the bank|latchkey) at once/);
    stalled.destroy();
    assert.ok(await refused(`${latchkeyUrl}/healthz`), 'latchkey stopped');
    assert.ok(await refused(`${bankUrl}/sign-in`), 'the bank stopped');
  });
});

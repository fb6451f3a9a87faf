/**
 * The published packages as a user outside this repository gets them: `npm pack` each one (which
 * builds it), install the tarballs into an empty project, and use them with plain `node` (no tsx,
 * no TypeScript sources, no workspace links): the server from its installed `latchkey` bin on
 * SQLite, the Node SDK and the software authenticator against it for a real registration and
 * sign-in, the browser SDK's module, bundles and declarations, and every package's declarations
 * through `tsc`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanEnv, type Run, run } from './child-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The packages a user installs; core, store and console are compiled into the server's. */
const PUBLISHED = ['server', 'node', 'browser', 'authenticator'] as const;
const HELD = ['core', 'store', 'console'] as const;
const ORIGIN = 'https://bank.example';
// About 100 s on a busy two-core machine; the limit only stops a hung step.
const STEP_TIMEOUT_MS = 300_000;

async function succeed(command: string, args: string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  assert.equal(
    result.code,
    0,
    `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

async function manifest(dir: string): Promise<{ name: string; version: string }> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
}

/** `npm pack`s a workspace package into `destination` (its prepack builds it) and names the file. */
async function pack(name: string, destination: string): Promise<string> {
  const dir = join(ROOT, 'packages', name);
  await succeed('npm', ['pack', '--pack-destination', destination, '--silent'], dir);
  const { name: packageName, version } = await manifest(dir);
  return `${packageName.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

describe('the packed packages, installed into an empty project', {
  timeout: STEP_TIMEOUT_MS,
}, () => {
  let project: string;
  let installed: Run;
  const children: ChildProcess[] = [];

  before(
    async () => {
      project = await mkdtemp(join(tmpdir(), 'latchkey-packed-'));
      const tarballs = await Promise.all(PUBLISHED.map((name) => pack(name, project)));
      await writeFile(
        join(project, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      // Install scripts are skipped: better-sqlite3's would compile SQLite, which takes minutes;
      // the same version's addon, compiled for this Node by the repository's install, is copied.
      installed = await succeed(
        'npm',
        [
          'install',
          '--ignore-scripts',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          // Engines are checked against the oldest Node the packages declare, not this one.
          '--node-version=20.19.0',
          ...tarballs.map((file) => `./${file}`),
        ],
        project,
      );
      const addon = 'build/Release/better_sqlite3.node';
      const source = join(ROOT, 'node_modules/better-sqlite3');
      const target = join(project, 'node_modules/better-sqlite3');
      assert.equal((await manifest(target)).version, (await manifest(source)).version);
      await mkdir(join(target, 'build/Release'), { recursive: true });
      await copyFile(join(source, addon), join(target, addon));
    },
    { timeout: STEP_TIMEOUT_MS },
  );

  after(async () => {
    // The server is stopped, and has let go of its database, before its folder goes.
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('installs without an engine warning on Node 20.19', () => {
    const output = `${installed.stdout}\n${installed.stderr}`;
    assert.doesNotMatch(output, /EBADENGINE/, output);
  });

  it('ships compiled JavaScript and declarations, and nothing that is not published', async () => {
    for (const name of PUBLISHED) {
      const dir = join(project, 'node_modules/@latchkey', name);
      assert.ok(await exists(join(dir, 'dist/index.js')), `${name}: dist/index.js`);
      assert.ok(await exists(join(dir, 'dist/index.d.ts')), `${name}: dist/index.d.ts`);
      assert.ok(await exists(join(dir, 'dist/LICENSE')), `${name}: dist/LICENSE`);
      assert.equal(await exists(join(dir, 'src')), false, `${name} ships no sources`);
    }
    for (const name of HELD) {
      const dir = join(project, 'node_modules/@latchkey', name);
      assert.equal(await exists(dir), false, `@latchkey/${name} is inside the server's package`);
    }
    for (const tool of ['tsx', 'esbuild', 'typescript']) {
      assert.equal(await exists(join(project, 'node_modules', tool)), false, `${tool} not needed`);
    }
  });

  it('serves from the installed latchkey bin; the Node SDK registers and signs in against it', async () => {
    const bin = join(project, 'node_modules/.bin/latchkey');
    const db = `sqlite:${join(project, 'latchkey.db')}`;
    const port = await freePort();
    const server = spawn(
      bin,
      ['serve', '--port', String(port), '--host', '127.0.0.1', '--db', db, '--log-level', 'warn'],
      { cwd: project, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(server);
    let serverErrors = '';
    server.stderr?.on('data', (chunk) => {
      serverErrors += chunk;
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let attempt = 0; attempt < 600 && server.exitCode === null && !healthy; attempt++) {
      healthy = await fetch(`${baseUrl}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(healthy, `latchkey serve did not answer:\n${serverErrors}`);

    const created = await succeed(
      bin,
      ['apps', 'create', '--name', 'packed', '--origin', ORIGIN, '--json', '--db', db],
      project,
    );
    const app = JSON.parse(created.stdout) as { app_id: string; api_key: string };

    // The backend's half through the installed Node SDK, the browser's half through HTTP with the
    // installed software authenticator: plain node, from the consumer project.
    const script = `
      import { PassageFlex } from '@latchkey/node';
      import { SoftwareAuthenticator } from '@latchkey/authenticator';
      const [baseUrl, appId, apiKey, origin] = process.argv.slice(2);
      const passage = new PassageFlex({ appId, apiKey, baseUrl });
      async function post(path, body) {
        const response = await fetch(baseUrl + '/v1/apps/' + appId + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify(body),
        });
        const json = await response.json();
        if (response.status !== 200) throw new Error(path + ': ' + JSON.stringify(json));
        return json;
      }
      async function ceremony(kind, transactionId, sign) {
        const started = await post('/' + kind + '/transactions/webauthn/start', {
          transaction_id: transactionId,
        });
        const response = await sign({ options: started.handshake.challenge.publicKey, origin });
        const finished = await post('/' + kind + '/transactions/webauthn/finish', {
          transaction_id: transactionId,
          handshake_id: started.handshake.id,
          handshake_response: response,
        });
        return finished.nonce;
      }
      const authenticator = new SoftwareAuthenticator();
      const registerId = await passage.auth.createRegisterTransaction('alice', 'alice@bank.example');
      const registered = await ceremony('register', registerId, (a) => authenticator.createCredential(a));
      const signInId = await passage.auth.createAuthenticateTransaction('alice');
      const signedIn = await ceremony('authenticate', signInId, (a) => authenticator.getAssertion(a));
      const user = await passage.user.get('alice');
      console.log(JSON.stringify({
        registerId,
        registered: await passage.auth.verifyNonce(registered),
        signedIn: await passage.auth.verifyNonce(signedIn),
        loginCount: user.loginCount,
      }));
    `;
    await writeFile(join(project, 'sign-in.mjs'), script);
    const signIn = await succeed(
      process.execPath,
      ['sign-in.mjs', baseUrl, app.app_id, app.api_key, ORIGIN],
      project,
    );
    const result = JSON.parse(signIn.stdout) as Record<string, unknown>;
    assert.equal(typeof result.registerId, 'string');
    assert.ok((result.registerId as string).length > 0);
    assert.equal(result.registered, 'alice');
    assert.equal(result.signedIn, 'alice');
    assert.equal(result.loginCount, 1);

    // The console is served from the package, with no esbuild and no console sources installed.
    const page = await fetch(`${baseUrl}/console/assets/console.js`);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).length > 10_000);
  });

  it("resolves the browser SDK's module, its bundles and its ./bundle entry", async () => {
    const script = `
      import { existsSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const files = ['@latchkey/browser', '@latchkey/browser/dist/latchkey.js',
        '@latchkey/browser/dist/latchkey.esm.js', '@latchkey/browser/bundle']
        .map((specifier) => fileURLToPath(import.meta.resolve(specifier)));
      const sdk = await import('@latchkey/browser');
      const esm = await import('@latchkey/browser/dist/latchkey.esm.js');
      console.log(JSON.stringify({
        resolved: files.every((file) => existsSync(file)),
        exports: Object.keys(sdk).sort(),
        esmExports: Object.keys(esm).sort(),
      }));
    `;
    await writeFile(join(project, 'browser.mjs'), script);
    const out = JSON.parse((await succeed(process.execPath, ['browser.mjs'], project)).stdout) as {
      resolved: boolean;
      exports: string[];
      esmExports: string[];
    };
    assert.equal(out.resolved, true);
    assert.ok(out.exports.includes('PassageFlex'), out.exports.join());
    assert.deepEqual(out.esmExports, out.exports, 'the ES bundle exports what the module does');
  });

  it('type-checks a consumer of every package against the shipped declarations', async () => {
    await writeFile(
      join(project, 'consumer.ts'),
      [
        "import { PassageFlex as Browser } from '@latchkey/browser';",
        "import { bundleLatchkey } from '@latchkey/browser/bundle';",
        "import { SoftwareAuthenticator } from '@latchkey/authenticator';",
        "import { PassageFlex, type PassageFlexOptions } from '@latchkey/node';",
        "import { buildServer, FLEX_ERROR_CODES } from '@latchkey/server';",
        "const options: PassageFlexOptions = { appId: 'a', apiKey: 'k', baseUrl: 'http://x' };",
        'export const node: PassageFlex = new PassageFlex(options);',
        "export const transaction: Promise<string> = node.auth.createRegisterTransaction('a', 'a@x');",
        'export const browser: typeof Browser = Browser;',
        'export const authenticator: SoftwareAuthenticator = new SoftwareAuthenticator();',
        'export const build: typeof buildServer = buildServer;',
        'export const codes: readonly string[] = FLEX_ERROR_CODES;',
        "export const bundle: Promise<string> = bundleLatchkey({ format: 'esm' });",
        // Proof that the declarations are read, not taken as `any`: a wrong use must fail.
        '// @ts-expect-error an app id is a string',
        'export const wrong = new PassageFlex({ appId: 1, apiKey: "k", baseUrl: "http://x" });',
        '',
      ].join('\n'),
    );
    const checked = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2023,dom',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        '--skipLibCheck',
        'consumer.ts',
      ],
      project,
    );
    assert.equal(checked.code, 0, `${checked.stdout}\n${checked.stderr}`);
  });
});

/**
 * docs/quickstart.md as a newcomer follows it: every `sh` block of the page runs, in order, in
 * bash from the repository root, each block seeing the shell variables the earlier ones set (as
 * one terminal would); a block marked `<!-- quickstart: background, ready at URL -->` keeps running
 * (a second terminal) once URL answers. What a block's `# {…}` comment shows must be in what it
 * printed. Then Chromium, with a virtual authenticator, walks the example page those commands
 * started: register, sign in, and see the user the example's backend verified. The README's
 * commands must be the page's.
 *
 * The only changes to the page's commands keep the run to itself: its own ports instead of 8080
 * and 3000 (PORT and LATCHKEY_URL tell the two servers) and its own database file.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../examples/bank/testing/demo-stack.ts';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';

const root = new URL('../../', import.meta.url).pathname;
const QUICKSTART = new URL('../../docs/quickstart.md', import.meta.url);
const README = new URL('../../README.md', import.meta.url);

/** One `sh` block of the page and what its marker says to do with it. */
interface Block {
  code: string;
  mode: 'run' | 'background' | 'skip';
  readyUrl: string | null;
}

/** The page's `sh` blocks, in order, with the marker comment just above each, if any. */
function quickstartBlocks(markdown: string): Block[] {
  const found: Block[] = [];
  for (const match of markdown.matchAll(/(?:<!-- quickstart: (.*?) -->\n)?```sh\n([\s\S]*?)```/g)) {
    const marker = match[1] ?? '';
    const code = match[2] ?? '';
    const ready = /^background, ready at (\S+)/.exec(marker);
    if (marker !== '' && !ready && !marker.startsWith('skip')) {
      throw new Error(`unknown quickstart marker: ${marker}`);
    }
    found.push({
      code,
      mode: ready ? 'background' : marker.startsWith('skip') ? 'skip' : 'run',
      readyUrl: ready?.[1] ?? null,
    });
  }
  return found;
}

/** Shell variables a block assigns at the start of a line (`APP_ID=$(…)`). */
function assigned(code: string): string[] {
  return [...code.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);
}

/** What a block's `# {…}` comments promise: the keys, and the plain string values. */
function promised(code: string): string[] {
  const expected: string[] = [];
  for (const [, json] of code.matchAll(/^# (\{.*)$/gm)) {
    for (const [, key] of (json ?? '').matchAll(/"(\w+)":/g)) expected.push(`"${key}"`);
    for (const [, value] of (json ?? '').matchAll(/"\w+":"([^"…]+)"/g)) expected.push(`"${value}"`);
  }
  return expected;
}

async function answers(url: string, background: ChildProcess, output: () => string) {
  for (;;) {
    if (background.exitCode !== null) {
      assert.fail(`the command for ${url} exited with ${background.exitCode}:\n${output()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const skip = browserUnavailableReason() ?? false;

describe('docs/quickstart.md, command by command, then its page in Chromium', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-quickstart-'));
  const state = join(dir, 'shell-variables.sh');
  const running: { child: ChildProcess; output: () => string }[] = [];
  let latchkeyPort: number;
  let examplePort: number;
  let browser: BrowserSession | undefined;

  before(async () => {
    [latchkeyPort, examplePort] = [await freePort(), await freePort()];
  });
  after(async () => {
    await browser?.close();
    for (const { child } of running) {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const local = (text: string): string =>
    text
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${latchkeyPort}`)
      .replaceAll('localhost:3000', `localhost:${examplePort}`);

  function env(port?: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LATCHKEY_DATABASE_URL: `sqlite:${join(dir, 'latchkey.db')}`,
      LATCHKEY_URL: `http://127.0.0.1:${latchkeyPort}`,
      ...(port ? { PORT: port } : {}),
    };
  }

  /** The block as bash runs it: the variables so far, the commands, then the variables it set. */
  function script(code: string): string {
    const names = assigned(code);
    return [
      'set -e',
      `[ -f '${state}' ] && . '${state}'`,
      code,
      ...(names.length ? [`declare -p ${names.join(' ')} >> '${state}'`] : []),
    ].join('\n');
  }

  it('the README shows the same commands as the page', () => {
    const page = quickstartBlocks(readFileSync(QUICKSTART, 'utf8')).flatMap((b) =>
      b.code.split('\n'),
    );
    const readme = readFileSync(README, 'utf8');
    const section = readme.slice(readme.indexOf('## Run latchkey for your app'));
    const lines = quickstartBlocks(section.slice(0, section.indexOf('\n## ', 3)))
      .flatMap((b) => b.code.split('\n'))
      .filter((line) => line.trim() !== '');
    assert.ok(lines.length >= 5, 'the README shows the commands');
    for (const line of lines) assert.ok(page.includes(line), `not in docs/quickstart.md: ${line}`);
  });

  it('runs every command in order, then registers and signs in on the example page', async () => {
    const blocks = quickstartBlocks(readFileSync(QUICKSTART, 'utf8'));
    assert.ok(blocks.some((b) => b.mode === 'background'));
    for (const block of blocks) {
      if (block.mode === 'skip') continue;
      const code = local(block.code);
      let output = '';
      if (block.mode === 'background') {
        const url = local(block.readyUrl ?? '');
        const child = spawn('bash', ['-c', script(code)], {
          cwd: root,
          env: env(new URL(url).port),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout?.on('data', (chunk) => {
          output += chunk;
        });
        child.stderr?.on('data', (chunk) => {
          output += chunk;
        });
        running.push({ child, output: () => output });
        await answers(url, child, () => output);
        continue;
      }
      const child = spawn('bash', ['-c', script(code)], {
        cwd: root,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(status, 0, `${code}\n${output}`);
      for (const expected of promised(code)) {
        assert.ok(output.includes(expected), `${code}\nprinted:\n${output}\nmissing ${expected}`);
      }
    }

    // The example the last block started, in a browser as the page tells the reader to use it.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(`http://localhost:${examplePort}/`);
    const status = page.locator('#status');
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await status.filter({ hasText: 'Registered a passkey for user-42' }).waitFor();
    assert.equal((await browser.credentials()).length, 1);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await status.filter({ hasText: 'Signed in as user-42 (verified by the backend).' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'quickstart.png'), fullPage: true });
    const example = running.at(-1);
    assert.match(example?.output() ?? '', /verified user-42\n[\s\S]*verified user-42\n/);
  });
});

/**
 * A fresh `npm ci` of this repository on the oldest Node the project supports prints no engine
 * warning: every package in the lockfile accepts Node 20.19. npm runs the same check as a real
 * install, as a dry run on a copy of the manifests, so nothing is downloaded or written here.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './child-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm ci', () => {
  it('prints no EBADENGINE on the Node version the root package.json names', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      workspaces: string[];
    };
    // ">=20.19" → 20.19.0: the oldest version the project says it runs on.
    const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(root.engines.node);
    assert.ok(floor, `engines.node is a lower bound: ${root.engines.node}`);
    const oldest = `${floor[1]}.${floor[2] ?? 0}.${floor[3] ?? 0}`;

    const copy = await mkdtemp(join(tmpdir(), 'latchkey-engines-'));
    try {
      const manifests = ['package.json', 'package-lock.json'].concat(
        root.workspaces.map((workspace) => join(workspace, 'package.json')),
      );
      for (const file of manifests) {
        await mkdir(dirname(join(copy, file)), { recursive: true });
        await copyFile(join(ROOT, file), join(copy, file));
      }
      const result = await run(
        'npm',
        [
          'ci',
          '--dry-run',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          `--node-version=${oldest}`,
        ],
        copy,
      );
      const output = `${result.stdout}\n${result.stderr}`;
      assert.equal(result.code, 0, output);
      assert.match(output, /added \d+ packages/, 'npm ci went through the whole lockfile');
      assert.doesNotMatch(output, /EBADENGINE/, output);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

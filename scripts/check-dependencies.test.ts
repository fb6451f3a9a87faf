import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module without types, run by node as a script too.
import { dependencyProblems } from './check-dependencies.mjs';

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('workspace dependencies', () => {
  it('declares every package each workspace imports, and nothing it does not', () => {
    assert.deepEqual(dependencyProblems(), []);
  });

  it('finds an undeclared import, an unused dependency and a devDependency that ships', () => {
    const root = mkdtempSync(join(tmpdir(), 'latchkey-deps-'));
    try {
      write(join(root, 'package.json'), JSON.stringify({ name: 'repo', workspaces: ['pkg'] }));
      write(
        join(root, 'pkg/package.json'),
        JSON.stringify({
          name: 'pkg',
          dependencies: { unused: '1', used: '1' },
          devDependencies: { 'dev-tool': '1' },
        }),
      );
      write(
        join(root, 'pkg/src/index.ts'),
        "import { a } from 'used';\nimport { b } from 'undeclared/sub';\nimport 'dev-tool';\nimport { c } from 'node:fs';\n",
      );
      write(join(root, 'pkg/src/index.test.ts'), "import { d } from 'dev-tool';\n");
      assert.deepEqual(dependencyProblems(`${root}/`), [
        'pkg/package.json: dev-tool is imported by src/index.ts, which ships, but is a devDependency',
        'pkg/package.json: undeclared is imported by src/index.ts but not declared',
        'pkg/package.json: unused is declared but never imported',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

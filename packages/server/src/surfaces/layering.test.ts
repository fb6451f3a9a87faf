/**
 * The HTTP layer reaches the database only through the core: no surface or abuse-limit module
 * calls `runtime.store` itself, so that every lookup (a token's app, an app's origins, a passkey)
 * has one implementation, the core's.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const SRC = new URL('..', import.meta.url).pathname;
const LAYERS = ['surfaces', 'rate-limits'];

function shippedFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testing') found.push(...shippedFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
      found.push(path);
    }
  }
  return found;
}

describe('the HTTP layer', () => {
  it('never calls the store itself: surfaces and limits go through the core', () => {
    const offenders: string[] = [];
    for (const layer of LAYERS) {
      for (const file of shippedFiles(join(SRC, layer))) {
        const lines = readFileSync(file, 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (/\.store\./.test(line) && !line.trim().startsWith('*')) {
            offenders.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
          }
        });
      }
    }
    assert.deepEqual(offenders, []);
  });
});

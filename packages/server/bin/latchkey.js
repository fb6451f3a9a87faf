#!/usr/bin/env node
// In this repository latchkey runs its TypeScript sources through tsx: no build step between a
// change and a run. The published package has no sources, only the compiled dist/latchkey.js.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/latchkey.js');
}

#!/usr/bin/env node
// Writes the two published bundles and prints each one's raw and gzipped size:
//   dist/latchkey.js      one <script> file (IIFE) that defines the global `Latchkey`, minified
//   dist/latchkey.esm.js  one ES module for pages that import without a bundler
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { bundleLatchkey } from './bundle.mjs';

const dist = new URL('../dist/', import.meta.url);
await mkdir(dist, { recursive: true });

const outputs = [
  { file: 'latchkey.js', format: 'iife' },
  { file: 'latchkey.esm.js', format: 'esm' },
];
for (const { file, format } of outputs) {
  const code = await bundleLatchkey({ format, minify: true });
  await writeFile(new URL(file, dist), code);
  const raw = Buffer.byteLength(code);
  const gzip = gzipSync(code, { level: 9 }).byteLength;
  console.log(`dist/${file.padEnd(16)} ${kib(raw).padStart(9)} raw  ${kib(gzip).padStart(9)} gzip`);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

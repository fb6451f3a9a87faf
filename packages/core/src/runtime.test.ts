import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRuntime, newId, pooledRandomBytes } from './runtime.ts';
import type { Store } from './store-port.ts';

const store = {} as Store;

describe('newId', () => {
  it('is 22 base64url characters whose first 8 are the creation time', () => {
    const at = Date.parse('2026-11-23T10:00:00Z');
    const id = newId(createRuntime({ store, now: () => at }));
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    const time = Buffer.from(id, 'base64url').subarray(0, 6).readUIntBE(0, 6);
    assert.equal(time, at);
  });

  it('differs between ids made in the same millisecond', () => {
    const runtime = createRuntime({ store, now: () => 1_800_000_000_000 });
    const ids = new Set(Array.from({ length: 1000 }, () => newId(runtime)));
    assert.equal(ids.size, 1000);
  });

  it('shares its prefix with ids made at the same time, and never starts with "-"', () => {
    let now = 0;
    const runtime = createRuntime({ store, now: () => now });
    for (now of [0, 1, Date.now(), Date.parse('2100-01-01T00:00:00Z')]) {
      const [a, b] = [newId(runtime), newId(runtime)];
      assert.equal(a.slice(0, 8), b.slice(0, 8));
      assert.notEqual(a[0], '-');
    }
  });
});

describe('pooledRandomBytes', () => {
  it('hands out fresh bytes of the size asked, never the same memory twice', () => {
    const draw = pooledRandomBytes();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const size = [10, 16, 32][i % 3]!;
      const bytes = draw(size);
      assert.equal(bytes.length, size);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    assert.equal(seen.size, 2000);
    const first = draw(16);
    const copy = Buffer.from(first).toString('hex');
    draw(16).fill(0);
    assert.equal(Buffer.from(first).toString('hex'), copy);
  });

  it('serves large draws directly', () => {
    const bytes = pooledRandomBytes()(5000);
    assert.equal(bytes.length, 5000);
    assert.ok(bytes.some((b) => b !== 0));
  });
});

/** Contract of `authenticatorMetadata`: the newest verified FIDO metadata blob wins. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataBlobRecord } from '@latchkey/core';
import { T0 } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

function blobFixture(serial: number): MetadataBlobRecord {
  return { serial, nextUpdate: '2099-01-01', entryCount: 2, blob: `h.p${serial}.s`, loadedAt: T0 };
}

/** Registers the authenticator metadata tests. */
export function authenticatorMetadataContract(ctx: ContractContext): void {
  describe('authenticator metadata', () => {
    it('keeps only the newest blob and refuses one that is not newer', async () => {
      const metadata = ctx.store().authenticatorMetadata;
      assert.equal(await metadata.latestSerial(), null);
      assert.equal(await metadata.findLatest(), null);
      assert.equal(await metadata.insert(blobFixture(7)), true);
      assert.equal(await metadata.insert(blobFixture(7)), false);
      assert.equal(await metadata.insert(blobFixture(3)), false);
      assert.equal(await metadata.insert(blobFixture(9)), true);
      assert.equal(await metadata.latestSerial(), 9);
      assert.deepEqual(await metadata.findLatest(), blobFixture(9));
    });

    it('lets one of several loaders of one serial store it', async () => {
      const metadata = ctx.store().authenticatorMetadata;
      const results = await Promise.all(
        Array.from({ length: 5 }, () => metadata.insert(blobFixture(20))),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await metadata.latestSerial(), 20);
    });
  });
}

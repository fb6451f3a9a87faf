/** burnCeremony on a real store: single use, kind, expiry, binding and app scoping. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createApp } from '../apps/create-app.ts';
import {
  burn,
  type CeremonyHarness,
  ceremony,
  openHarness,
  refused,
} from '../testing/ceremony-harness.ts';
import { burnCeremony } from './burn-ceremony.ts';

const ACTION = {
  type: 'action',
  actionId: 'act-1',
  actionCode: 'pay',
  attributesHash: null,
} as const;

describe('burnCeremony', () => {
  let h: CeremonyHarness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('returns the ceremony once; a second finish finds nothing', async () => {
    const issued = await ceremony(h, { kind: 'authenticate', userId: null });
    const burnt = await burn(h, issued);
    assert.equal(burnt.id, issued.id);
    assert.equal(burnt.consumedAt, h.runtime.now());
    await assert.rejects(burn(h, issued), refused('ceremony_invalid', 'ceremony_unknown'));
  });

  it('refuses a ceremony of the other kind, and burns it all the same', async () => {
    const issued = await ceremony(h, { kind: 'register', userId: null });
    const asAuthenticate = { ...issued, kind: 'authenticate' as const };
    await assert.rejects(
      burn(h, asAuthenticate),
      refused('ceremony_invalid', 'ceremony_kind_mismatch'),
    );
    await assert.rejects(burn(h, issued), refused('ceremony_invalid', 'ceremony_unknown'));
  });

  it('refuses an expired ceremony', async () => {
    const issued = await ceremony(h, { kind: 'authenticate', userId: null });
    h.advance(issued.expiresAt - h.runtime.now());
    await assert.rejects(burn(h, issued), refused('ceremony_invalid', 'ceremony_expired'));
  });

  it('refuses a transaction ceremony finished for another transaction, or for none when it is discoverable', async () => {
    const bound = await ceremony(h, {
      kind: 'register',
      userId: 'u',
      binding: { type: 'transaction', transactionId: 'tx-1' },
    });
    await assert.rejects(
      burn(h, bound, { type: 'transaction', transactionId: 'tx-2' }),
      refused('ceremony_invalid', 'transaction_mismatch'),
    );
    const discoverable = await ceremony(h, { kind: 'authenticate', userId: null });
    await assert.rejects(
      burn(h, discoverable, { type: 'transaction', transactionId: 'tx-1' }),
      refused('ceremony_invalid', 'transaction_mismatch'),
    );
    const named = await ceremony(h, {
      kind: 'register',
      userId: 'u',
      binding: { type: 'transaction', transactionId: 'tx-3' },
    });
    assert.equal(
      (await burn(h, named, { type: 'transaction', transactionId: 'tx-3' })).id,
      named.id,
    );
  });

  it('refuses an action ceremony finished for another action, or as a sign-in', async () => {
    const issued = await ceremony(h, { kind: 'authenticate', userId: 'u', binding: ACTION });
    await assert.rejects(
      burn(h, issued, { type: 'action', actionId: 'act-2' }),
      refused('ceremony_invalid', 'action_mismatch'),
    );
    const again = await ceremony(h, { kind: 'authenticate', userId: 'u', binding: ACTION });
    await assert.rejects(
      burn(h, again, { type: 'action', actionId: null }),
      refused('ceremony_invalid', 'action_mismatch'),
    );
  });

  it("neither burns nor sees another product's ceremony", async () => {
    const stepUp = await ceremony(h, { kind: 'authenticate', userId: 'u', binding: ACTION });
    await assert.rejects(burn(h, stepUp), refused('ceremony_invalid', 'ceremony_unknown'));
    assert.equal((await burn(h, stepUp, { type: 'action', actionId: 'act-1' })).id, stepUp.id);
    const flex = await ceremony(h, { kind: 'authenticate', userId: null });
    await assert.rejects(
      burn(h, flex, { type: 'action', actionId: null }),
      refused('ceremony_invalid', 'ceremony_unknown'),
    );
    assert.equal((await burn(h, flex)).id, flex.id);
  });

  it('does not let another app burn the ceremony', async () => {
    const issued = await ceremony(h, { kind: 'authenticate', userId: null });
    const { app: other } = await createApp(h.runtime, {
      name: 'Other',
      origins: ['https://other.example'],
    });
    await assert.rejects(
      burnCeremony(h.runtime, {
        appId: other.id,
        ceremonyId: issued.id,
        kind: 'authenticate',
        expected: { type: 'transaction', transactionId: null },
      }),
      refused('ceremony_invalid', 'ceremony_unknown'),
    );
    assert.equal((await burn(h, issued)).id, issued.id);
  });

  it('refuses an empty or overlong id without asking the store', async () => {
    for (const ceremonyId of ['', 'x'.repeat(101)]) {
      await assert.rejects(
        burnCeremony(h.runtime, {
          appId: h.app.id,
          ceremonyId,
          kind: 'authenticate',
          expected: { type: 'transaction', transactionId: null },
        }),
        refused('ceremony_invalid', 'ceremony_unknown'),
      );
    }
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type CeremonyHarness,
  openHarness,
  refused,
  registeredUser,
} from '../testing/ceremony-harness.ts';
import { createApp } from './create-app.ts';
import { updateApp } from './update-app.ts';

describe('updateApp and the RP ID', () => {
  let h: CeremonyHarness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('refuses to change the RP ID of an app with passkeys, saying why, and changes nothing', async () => {
    await registeredUser(h, 'ada');
    await assert.rejects(
      updateApp(h.runtime, {
        appId: h.app.id,
        origins: ['https://bank.example.com'],
        rpId: 'bank.example.com',
      }),
      (e: Error) =>
        refused('rp_id_change_refused')(e) &&
        /1 passkey bound to RP ID bank\.example.*related origin/.test(e.message),
    );
    const stored = await h.runtime.store.apps.findById(h.app.id);
    assert.equal(stored?.rpId, 'bank.example');
    assert.deepEqual(stored?.origins, ['https://bank.example']);
  });

  it('changes it when forced, and records the old one', async () => {
    await registeredUser(h, 'ada');
    const updated = await updateApp(h.runtime, {
      appId: h.app.id,
      origins: ['https://bank.example.com'],
      rpId: 'bank.example.com',
      forceRpIdChange: true,
    });
    assert.equal(updated.rpId, 'bank.example.com');
    const [event] = await h.runtime.store.audit.list({
      appId: h.app.id,
      type: 'app.updated',
      limit: 1,
    });
    assert.equal(
      (event?.data as { previousRpId?: string } | undefined)?.previousRpId,
      'bank.example',
    );
  });

  it('changes it freely while the app has no passkey, and lets other fields change with passkeys', async () => {
    await registeredUser(h, 'ada');
    const renamed = await updateApp(h.runtime, {
      appId: h.app.id,
      name: 'Bank 2',
      rpId: 'bank.example',
    });
    assert.equal(renamed.name, 'Bank 2');
    // Another app's passkeys do not count.
    const { app: other } = await createApp(h.runtime, {
      name: 'Shop',
      origins: ['https://shop.example'],
    });
    const moved = await updateApp(h.runtime, {
      appId: other.id,
      origins: ['https://www.shop.example'],
      rpId: 'www.shop.example',
    });
    assert.equal(moved.rpId, 'www.shop.example');
  });
});

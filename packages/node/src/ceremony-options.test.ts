import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PassageError, PassageFlex } from './index.ts';
import {
  browserRegister,
  type LatchkeyServer,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

const [sqlite] = testDatabases();

describe('PassageFlex ceremony options (hints, upgrade, PRF)', () => {
  let server: LatchkeyServer;
  let passage: PassageFlex;
  before(async () => {
    server = await startLatchkey(sqlite as NonNullable<typeof sqlite>);
    passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
  });
  after(() => server.close());

  it('makes an upgrade transaction whose passkey may come without user presence, and says so', async () => {
    const upgrade = await passage.auth.createRegisterTransaction('ada', 'ada@bank.example', {
      upgrade: true,
      hints: ['client-device'],
    });
    const registered = await browserRegister(
      server,
      upgrade,
      new SoftwareAuthenticator(),
      undefined,
      { flags: { up: false } },
    );
    assert.equal(await passage.verifyNonce(registered.nonce), 'ada');
    const [device] = await passage.user.listDevices('ada');
    assert.equal(device?.createdByUpgrade, true);
    assert.equal(device?.prfEnabled, false);
  });

  it('sends hints and refuses ones outside the vocabulary', async () => {
    await passage.createAuthenticateTransaction({ externalId: 'ada', hints: ['security-key'] });
    await assert.rejects(
      passage.auth.createAuthenticateTransaction('ada', { hints: ['usb' as never] }),
      (error: PassageError) => error.statusCode === 400 && error.errorCode === 'invalid_request',
    );
  });

  it("revokes the user's last PRF passkey only with acknowledgePrfLoss", async () => {
    const tx = await passage.auth.createRegisterTransaction('lin', 'lin@bank.example');
    await browserRegister(server, tx, new SoftwareAuthenticator(), undefined, {
      clientExtensionResults: { credProps: { rk: true }, prf: { enabled: true } },
    });
    const [device] = await passage.user.listDevices('lin');
    assert.equal(device?.prfEnabled, true);
    await assert.rejects(
      passage.user.revokeDevice('lin', device?.id ?? ''),
      (error: PassageError) => error.statusCode === 409,
    );
    await passage.user.revokeDevice('lin', device?.id ?? '', { acknowledgePrfLoss: true });
    assert.equal((await passage.user.listDevices('lin')).length, 0);
  });
});

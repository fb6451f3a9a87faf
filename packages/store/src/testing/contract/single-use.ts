/**
 * Contract of the single-use records: `ceremonies`, `transactions` and `nonces`. Their inserts may
 * be held until the store's next `flush()` (PostgreSQL, when serving), so tests flush before they
 * read back what they inserted, as the server does before it answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ceremonyFixture,
  credentialFixture,
  nonceFixture,
  stepUpCeremonyFixture,
  T0,
  transactionFixture,
  userFixture,
} from '../fixtures.ts';
import type { ContractContext } from './context.ts';

const RACERS = 20;

/** The bindings a flex finish burns. */
const FLEX = ['transaction', 'none'] as const;

/** Registers the ceremonies, transactions and nonces tests. */
export function singleUseContract(ctx: ContractContext): void {
  describe('ceremonies', () => {
    it('returns the ceremony on the first consume and null on the second', async () => {
      const app = await ctx.newApp();
      const ceremony = ceremonyFixture(app.id, {
        kind: 'authenticate',
        userId: 'user-1',
        binding: { type: 'transaction', transactionId: 'tx-1' },
        userVerificationRequired: false,
      });
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const consumed = await ctx.store().ceremonies.consume(app.id, ceremony.id, T0 + 1, FLEX);
      assert.deepEqual(consumed, { ...ceremony, consumedAt: T0 + 1 });
      assert.equal(await ctx.store().ceremonies.consume(app.id, ceremony.id, T0 + 2, FLEX), null);
    });

    it('burns and returns an expired ceremony, leaving the expiry check to the caller', async () => {
      const app = await ctx.newApp();
      const ceremony = ceremonyFixture(app.id, { expiresAt: T0 });
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const consumed = await ctx.store().ceremonies.consume(app.id, ceremony.id, T0 + 60_000, FLEX);
      assert.equal(consumed?.expiresAt, T0);
      assert.equal(
        await ctx.store().ceremonies.consume(app.id, ceremony.id, T0 + 60_001, FLEX),
        null,
      );
    });

    it('does not let another app consume a ceremony, nor burn it', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const ceremony = ceremonyFixture(a.id);
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      assert.equal(await ctx.store().ceremonies.consume(b.id, ceremony.id, T0, FLEX), null);
      assert.notEqual(await ctx.store().ceremonies.consume(a.id, ceremony.id, T0, FLEX), null);
    });

    it('returns null for an unknown ceremony', async () => {
      const app = await ctx.newApp();
      assert.equal(
        await ctx.store().ceremonies.consume(app.id, 'no-such-ceremony', T0, FLEX),
        null,
      );
    });

    it(`gives exactly one of ${RACERS} concurrent consumes the ceremony`, async () => {
      const app = await ctx.newApp();
      const ceremony = ceremonyFixture(app.id);
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const results = await Promise.all(
        Array.from({ length: RACERS }, () =>
          ctx.store().ceremonies.consume(app.id, ceremony.id, T0, FLEX),
        ),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
    });

    it('keeps every binding through a round trip', async () => {
      const app = await ctx.newApp();
      const bindings = [
        { type: 'none' },
        { type: 'transaction', transactionId: 'tx-2' },
        { type: 'action', actionId: 'act-1', actionCode: 'pay', attributesHash: 'cd'.repeat(32) },
        { type: 'action', actionId: null, actionCode: 'signInWithPasskey', attributesHash: null },
      ] as const;
      for (const binding of bindings) {
        const ceremony = ceremonyFixture(app.id, { binding });
        await ctx.store().ceremonies.insert(ceremony);
        await ctx.store().flush();
        assert.deepEqual(
          await ctx.store().ceremonies.findUnconsumed(app.id, ceremony.id),
          ceremony,
        );
        const burnt = await ctx.store().ceremonies.consume(app.id, ceremony.id, T0, [binding.type]);
        assert.deepEqual(burnt, { ...ceremony, consumedAt: T0 });
        assert.equal(await ctx.store().ceremonies.findUnconsumed(app.id, ceremony.id), null);
      }
    });

    it('neither burns nor returns a ceremony of a binding the caller did not ask for', async () => {
      const app = await ctx.newApp();
      const flex = ceremonyFixture(app.id, {
        binding: { type: 'transaction', transactionId: 't' },
      });
      const stepUp = stepUpCeremonyFixture(app.id);
      await ctx.store().ceremonies.insert(flex);
      await ctx.store().ceremonies.insert(stepUp);
      await ctx.store().flush();
      assert.equal(await ctx.store().ceremonies.consume(app.id, flex.id, T0, ['action']), null);
      assert.equal(await ctx.store().ceremonies.consume(app.id, stepUp.id, T0, FLEX), null);
      assert.notEqual(await ctx.store().ceremonies.consume(app.id, flex.id, T0, FLEX), null);
      assert.notEqual(
        await ctx.store().ceremonies.consume(app.id, stepUp.id, T0, ['action']),
        null,
      );
    });
  });

  describe('ceremonies burnt with the credential an assertion names', () => {
    it('burns once and returns the app’s credential with that id', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const credential = credentialFixture(app.id, user.id);
      await ctx.store().credentials.insert(credential);
      const ceremony = ceremonyFixture(app.id, { kind: 'authenticate' });
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const ceremonies = ctx.store().ceremonies;
      const id = credential.credentialId;
      assert.equal(
        await ceremonies.consumeWithCredential(other.id, ceremony.id, T0, FLEX, id),
        null,
      );
      assert.equal(
        await ceremonies.consumeWithCredential(app.id, ceremony.id, T0, ['action'], id),
        null,
        'another binding is neither burnt nor returned',
      );
      assert.deepEqual(
        await ceremonies.consumeWithCredential(app.id, ceremony.id, T0 + 1, FLEX, id),
        {
          ceremony: { ...ceremony, consumedAt: T0 + 1 },
          credential,
        },
      );
      assert.equal(
        await ceremonies.consumeWithCredential(app.id, ceremony.id, T0 + 2, FLEX, id),
        null,
      );
    });

    it('burns the ceremony and returns no credential for an id the app does not hold', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(other.id));
      const foreign = credentialFixture(other.id, user.id);
      await ctx.store().credentials.insert(foreign);
      const ceremony = ceremonyFixture(app.id, { kind: 'authenticate' });
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const burnt = await ctx
        .store()
        .ceremonies.consumeWithCredential(app.id, ceremony.id, T0, FLEX, foreign.credentialId);
      assert.deepEqual(burnt, { ceremony: { ...ceremony, consumedAt: T0 }, credential: null });
      assert.equal(await ctx.store().ceremonies.consume(app.id, ceremony.id, T0, FLEX), null);
    });

    it(`gives exactly one of ${RACERS} concurrent burns the ceremony`, async () => {
      const app = await ctx.newApp();
      const ceremony = ceremonyFixture(app.id, { kind: 'authenticate' });
      await ctx.store().ceremonies.insert(ceremony);
      await ctx.store().flush();
      const results = await Promise.all(
        Array.from({ length: RACERS }, () =>
          ctx.store().ceremonies.consumeWithCredential(app.id, ceremony.id, T0, FLEX, 'any'),
        ),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
    });
  });

  describe('transactions', () => {
    it('returns the transaction on the first consume and null on the second', async () => {
      const app = await ctx.newApp();
      const tx = transactionFixture(app.id, 'user-1', { passkeyDisplayName: 'Work laptop' });
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      const consumed = await ctx.store().transactions.consume(app.id, tx.id, 'register', T0 + 1);
      assert.deepEqual(consumed, { ...tx, consumedAt: T0 + 1 });
      assert.equal(await ctx.store().transactions.consume(app.id, tx.id, 'register', T0 + 2), null);
    });

    it('does not consume a transaction of another kind', async () => {
      const app = await ctx.newApp();
      const tx = transactionFixture(app.id, 'user-1', { kind: 'authenticate' });
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      assert.equal(await ctx.store().transactions.consume(app.id, tx.id, 'register', T0), null);
      assert.notEqual(
        await ctx.store().transactions.consume(app.id, tx.id, 'authenticate', T0),
        null,
      );
    });

    it('does not consume an expired transaction, from its expiry instant on', async () => {
      const app = await ctx.newApp();
      const tx = transactionFixture(app.id, 'user-1', { expiresAt: T0 + 10 });
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      assert.equal(
        await ctx.store().transactions.consume(app.id, tx.id, 'register', T0 + 10),
        null,
      );
      assert.notEqual(
        await ctx.store().transactions.consume(app.id, tx.id, 'register', T0 + 9),
        null,
      );
    });

    it('does not let another app consume a transaction', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const tx = transactionFixture(a.id, 'user-1');
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      assert.equal(await ctx.store().transactions.consume(b.id, tx.id, 'register', T0), null);
      assert.notEqual(await ctx.store().transactions.consume(a.id, tx.id, 'register', T0), null);
    });

    it('consumes once with the user’s credentials, oldest first, and only theirs', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const neighbour = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const older = credentialFixture(app.id, user.id, { createdAt: T0 });
      const newer = credentialFixture(app.id, user.id, { createdAt: T0 + 1 });
      for (const c of [newer, older, credentialFixture(app.id, neighbour.id)]) {
        await ctx.store().credentials.insert(c);
      }
      const tx = transactionFixture(app.id, user.id, { kind: 'authenticate' });
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      const txs = ctx.store().transactions;
      assert.equal(await txs.consumeWithCredentials(other.id, tx.id, 'authenticate', T0), null);
      assert.equal(await txs.consumeWithCredentials(app.id, tx.id, 'register', T0), null);
      assert.deepEqual(await txs.consumeWithCredentials(app.id, tx.id, 'authenticate', T0 + 1), {
        transaction: { ...tx, consumedAt: T0 + 1 },
        credentials: [older, newer],
      });
      assert.equal(await txs.consumeWithCredentials(app.id, tx.id, 'authenticate', T0 + 2), null);
    });

    it('consumes a transaction whose user holds no credential, with an empty list', async () => {
      const app = await ctx.newApp();
      const tx = transactionFixture(app.id, 'user-without-passkeys', { expiresAt: T0 + 10 });
      await ctx.store().transactions.insert(tx);
      await ctx.store().flush();
      const txs = ctx.store().transactions;
      assert.equal(await txs.consumeWithCredentials(app.id, tx.id, 'register', T0 + 10), null);
      assert.deepEqual(await txs.consumeWithCredentials(app.id, tx.id, 'register', T0), {
        transaction: { ...tx, consumedAt: T0 },
        credentials: [],
      });
    });
  });

  describe('nonces', () => {
    it('returns the nonce on the first consume and null on the second', async () => {
      const app = await ctx.newApp();
      const nonce = nonceFixture(app.id, 'user-1');
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      const consumed = await ctx.store().nonces.consume(app.id, nonce.hash, T0 + 1);
      assert.deepEqual(consumed, { ...nonce, consumedAt: T0 + 1 });
      assert.equal(await ctx.store().nonces.consume(app.id, nonce.hash, T0 + 2), null);
    });

    it('does not consume an expired nonce, from its expiry instant on', async () => {
      const app = await ctx.newApp();
      const nonce = nonceFixture(app.id, 'user-1', { expiresAt: T0 + 10 });
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      assert.equal(await ctx.store().nonces.consume(app.id, nonce.hash, T0 + 10), null);
      assert.notEqual(await ctx.store().nonces.consume(app.id, nonce.hash, T0 + 9), null);
    });

    it('does not let another app consume a nonce', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const nonce = nonceFixture(a.id, 'user-1');
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      assert.equal(await ctx.store().nonces.consume(b.id, nonce.hash, T0), null);
      assert.notEqual(await ctx.store().nonces.consume(a.id, nonce.hash, T0), null);
    });

    it('returns null for an unknown nonce', async () => {
      const app = await ctx.newApp();
      assert.equal(await ctx.store().nonces.consume(app.id, 'f'.repeat(64), T0), null);
    });

    it(`gives exactly one of ${RACERS} concurrent consumes the nonce`, async () => {
      const app = await ctx.newApp();
      const nonce = nonceFixture(app.id, 'user-1');
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      const results = await Promise.all(
        Array.from({ length: RACERS }, () => ctx.store().nonces.consume(app.id, nonce.hash, T0)),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
    });

    it('redeems a nonce once, with the user it names, for its own app only', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(a.id));
      const nonce = nonceFixture(a.id, user.id);
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      assert.equal(await ctx.store().nonces.redeem(b.id, nonce.hash, T0), null);
      const redeemed = await ctx.store().nonces.redeem(a.id, nonce.hash, T0 + 1);
      assert.deepEqual(redeemed, { nonce: { ...nonce, consumedAt: T0 + 1 }, user });
      assert.equal(await ctx.store().nonces.redeem(a.id, nonce.hash, T0 + 2), null);
    });

    it('redeems a nonce whose user is gone with no user, and burns it all the same', async () => {
      const app = await ctx.newApp();
      const nonce = nonceFixture(app.id, 'no-such-user');
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      assert.deepEqual(await ctx.store().nonces.redeem(app.id, nonce.hash, T0), {
        nonce: { ...nonce, consumedAt: T0 },
        user: null,
      });
      assert.equal(await ctx.store().nonces.redeem(app.id, nonce.hash, T0), null);
    });

    it(`gives exactly one of ${RACERS} concurrent redemptions the nonce`, async () => {
      const app = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const nonce = nonceFixture(app.id, user.id);
      await ctx.store().nonces.insert(nonce);
      await ctx.store().flush();
      const results = await Promise.all(
        Array.from({ length: RACERS }, () => ctx.store().nonces.redeem(app.id, nonce.hash, T0)),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
    });
  });
}

/**
 * Database round trips of a sign-in on PostgreSQL, counted statement by statement
 * (`latchkey_database_statements_total`): each of the transaction, the start and the redemption
 * makes one, with its audit event in it; the finish makes two: what the signature is checked
 * against (the burnt challenge, the credential), then everything its outcome writes (the counter,
 * the login, the nonce, the success event). Rate limits are off here: counted in the database, a
 * start and a finish each add the turn's counting statement (see docs/performance.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { statementCount } from '@latchkey/store';
import {
  authenticateTransaction,
  databases,
  finishLogin,
  type Harness,
  ORIGIN,
  openHarness,
  registerUser,
  startLogin,
  verifyNonce,
} from '../testing/harness.ts';

for (const db of databases().filter((d) => d.name === 'postgres')) {
  describe('round trips of a sign-in on PostgreSQL', () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(() => h.close());

    /** Statements sent to the database while `run` runs. */
    const counted = async <T>(run: () => Promise<T>): Promise<{ result: T; trips: number }> => {
      const before = statementCount(h.store.db) ?? 0;
      const result = await run();
      return { result, trips: (statementCount(h.store.db) ?? 0) - before };
    };

    const signIn = async (
      externalId: string,
      authenticator: Awaited<ReturnType<typeof registerUser>>['authenticator'],
    ) => {
      const tx = await counted(() => authenticateTransaction(h, externalId));
      const start = await counted(() => startLogin(h, tx.result));
      const assertion = await authenticator.getAssertion({
        options: start.result.options,
        origin: ORIGIN,
      });
      const finish = await counted(() => finishLogin(h, start.result, assertion));
      assert.equal(finish.result.statusCode, 200, finish.result.body);
      const redeem = await counted(() => verifyNonce(h, finish.result.json().nonce));
      assert.equal(redeem.result.statusCode, 200, redeem.result.body);
      return { tx: tx.trips, start: start.trips, finish: finish.trips, redeem: redeem.trips };
    };

    it('makes one round trip for the transaction, the start and the redemption, two for the finish', async () => {
      const { authenticator } = await registerUser(h, 'ada');
      // The app and its key are read once, then kept: the first sign-in reads them.
      await signIn('ada', authenticator);
      // Let PostgreSQL's notifications of the setup's own writes arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await signIn('ada', authenticator);
      const trips = await signIn('ada', authenticator);
      assert.deepEqual(
        { tx: trips.tx, start: trips.start, redeem: trips.redeem },
        {
          tx: 1,
          start: 1,
          redeem: 1,
        },
      );
      assert.ok(trips.finish <= 3, `finish: ${trips.finish} round trips`);
    });
  });
}

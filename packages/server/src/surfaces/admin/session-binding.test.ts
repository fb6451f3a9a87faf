/**
 * A console session lives no longer than the credential it was exchanged for: restarting without
 * `LATCHKEY_ADMIN_TOKEN`, or with another value, ends the sessions the old value opened, and
 * revoking an operator token ends its sessions. Each "restart" is a new server on the same database.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createOperatorToken,
  createRuntime,
  type Runtime,
  revokeOperatorToken,
} from '@latchkey/core';
import type { SqlStore } from '@latchkey/store';
import type { OpenedTestDatabase } from '@latchkey/store/testing';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../app.ts';
import { databases } from '../../testing/harness.ts';

const ENV_TOKEN = 'correct-horse-battery-staple-0123456789';

for (const db of databases()) {
  describe(`console sessions and the credential behind them (${db.name})`, () => {
    let opened: OpenedTestDatabase;
    let runtime: Runtime;
    const servers: FastifyInstance[] = [];
    before(async () => {
      opened = await db.open();
      runtime = createRuntime({ store: opened.store });
    });
    after(async () => {
      for (const server of servers) await server.close();
      await opened.cleanup();
    });

    /** A server on the shared database, as started with this `LATCHKEY_ADMIN_TOKEN` (or none). */
    async function start(adminToken: string | undefined): Promise<FastifyInstance> {
      const server = await buildServer({
        runtime: createRuntime({ store: opened.store }),
        logger: false,
        // An empty string is how the server sees the variable unset (it ignores an empty value).
        adminToken: adminToken ?? '',
      });
      servers.push(server);
      return server;
    }
    const signIn = async (server: FastifyInstance, token: string): Promise<string> => {
      const res = await server.inject({
        method: 'POST',
        url: '/admin/v1/session',
        payload: { token },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().session;
    };
    const me = (server: FastifyInstance, session: string) =>
      server.inject({
        method: 'GET',
        url: '/admin/v1/me',
        headers: { authorization: `Bearer ${session}` },
      });
    const lastRefusal = async (): Promise<string | null | undefined> =>
      (await opened.store.audit.list({ type: 'operator.rejected', limit: 1 }))[0]?.reason;

    it('refuses a session from LATCHKEY_ADMIN_TOKEN after a restart without it', async () => {
      const first = await start(ENV_TOKEN);
      const session = await signIn(first, ENV_TOKEN);
      assert.equal((await me(first, session)).statusCode, 200);
      // Restarted with the same value: the session carries on.
      assert.equal((await me(await start(ENV_TOKEN), session)).statusCode, 200);
      const without = await start(undefined);
      const refused = await me(without, session);
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().error.code, 'unauthorized');
      assert.equal(await lastRefusal(), 'token_revoked');
    });

    it('refuses a session from LATCHKEY_ADMIN_TOKEN after a restart with another value', async () => {
      const session = await signIn(await start(ENV_TOKEN), ENV_TOKEN);
      const rotated = await start(`${ENV_TOKEN}-rotated`);
      assert.equal((await me(rotated, session)).statusCode, 401);
      assert.equal(await lastRefusal(), 'token_changed');
      // And the new value's own sessions work.
      const fresh = await signIn(rotated, `${ENV_TOKEN}-rotated`);
      assert.equal((await me(rotated, fresh)).statusCode, 200);
    });

    it("refuses an operator token's sessions once it is revoked, on any server", async () => {
      const { id, token } = await createOperatorToken(runtime, { name: 'bob' });
      const server = await start(undefined);
      const sessions = [await signIn(server, token), await signIn(server, token)];
      for (const s of sessions) assert.equal((await me(server, s)).statusCode, 200);
      await revokeOperatorToken(runtime, { tokenId: id });
      const other = await start(ENV_TOKEN);
      for (const s of sessions) {
        assert.equal((await me(server, s)).statusCode, 401);
        assert.equal((await me(other, s)).statusCode, 401);
      }
      assert.equal(await lastRefusal(), 'token_revoked');
    });

    it('refuses a session stored without a binding (made before bindings existed)', async () => {
      const server = await start(ENV_TOKEN);
      const session = await signIn(server, ENV_TOKEN);
      await (opened.store as SqlStore).db
        .updateTable('operator_sessions')
        .set({ token_binding: null })
        .where('hash', '=', createHash('sha256').update(session.slice('lks_'.length)).digest('hex'))
        .execute();
      assert.equal((await me(server, session)).statusCode, 401);
      assert.equal(await lastRefusal(), 'token_changed');
    });
  });
}

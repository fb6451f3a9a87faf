/**
 * Refusals write audit rows, so whatever a client puts in its headers must be bounded there: a
 * client's `x-request-id` is kept only as a short plain token, and the user agent is cut.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AUDIT_CONTEXT_LIMITS } from '@latchkey/core';
import { sql } from 'kysely';
import { auditEvents, databases, type Harness, openHarness } from '../testing/harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const db of databases()) {
  describe(`request ids and user agents in the audit log (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(() => h.close());

    /** A request with a bad API key (refused and audited); its answer and its audit row. */
    async function refused(headers: Record<string, string>) {
      const res = await h.server.inject({
        method: 'GET',
        url: `/v1/apps/${h.app.id}/users`,
        headers: { authorization: 'Bearer lk_nope', ...headers },
      });
      assert.equal(res.statusCode, 401);
      const [event] = await auditEvents(h, 'api_key.rejected');
      assert.ok(event);
      return { id: res.headers['x-request-id'], event };
    }

    it("keeps a client's request id that is a short plain token, and echoes it", async () => {
      for (const offered of ['abc', 'lb-7f3a.2:xyz_9', 'a'.repeat(128)]) {
        const { id, event } = await refused({ 'x-request-id': offered });
        assert.equal(id, offered);
        assert.equal(event.requestId, offered);
      }
    });

    it('replaces a request id that is too long or has other characters with a new one', async () => {
      const offers = ['a'.repeat(129), 'x'.repeat(12 * 1024), 'a b', '<script>', 'é', 'a/b', '"'];
      for (const offered of offers) {
        const { id, event } = await refused({ 'x-request-id': offered });
        assert.match(String(id), UUID, offered.slice(0, 20));
        assert.equal(event.requestId, id);
      }
    });

    it('cuts the user agent it stores', async () => {
      const { event } = await refused({ 'user-agent': 'u'.repeat(12 * 1024) });
      assert.equal(event.userAgent, 'u'.repeat(AUDIT_CONTEXT_LIMITS.userAgent));
    });

    it('keeps 200 refusals with 12 KB headers small in the database', async () => {
      const big = 'x'.repeat(12 * 1024);
      const countBefore = (await auditEvents(h, 'api_key.rejected')).length;
      for (let i = 0; i < 200; i++) {
        await h.server.inject({
          method: 'GET',
          url: `/v1/apps/${h.app.id}/users`,
          headers: { authorization: 'Bearer lk_nope', 'x-request-id': big, 'user-agent': big },
        });
      }
      const { rows } = await sql<{ rows: number | string; bytes: number | string }>`
        select count(*) as rows,
          sum(length(coalesce(request_id, '')) + length(coalesce(user_agent, ''))) as bytes
        from audit_events where type = 'api_key.rejected'`.execute(h.store.db);
      const row = rows[0];
      assert.ok(row);
      // The refused-credential limit stops auditing this address part-way; each row that was
      // written must still be small.
      assert.ok(Number(row.rows) > countBefore);
      // At most a UUID and 512 characters of user agent each; the headers held 24 KB each.
      const perRow = Number(row.bytes) / Number(row.rows);
      assert.ok(perRow <= 36 + AUDIT_CONTEXT_LIMITS.userAgent, `${perRow} bytes per row`);
    });
  });
}

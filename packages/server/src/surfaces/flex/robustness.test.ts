/**
 * Security row 13: bounded parsers. Malformed input of any shape gets a 4xx `{code, error}` body,
 * never a 500 or a hang, and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import fc from 'fast-check';
import {
  auditEvents,
  authenticateTransaction,
  databases,
  finishLogin,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerTransaction,
  registerUser,
  startLogin,
  startRegister,
} from '../../testing/harness.ts';

function assertClientError(res: { statusCode: number; body: string }, label: string): void {
  assert.ok(
    res.statusCode >= 400 && res.statusCode < 500,
    `${label}: ${res.statusCode} ${res.body}`,
  );
  const body = JSON.parse(res.body);
  assert.equal(typeof body.code, 'string', label);
  assert.equal(typeof body.error, 'string', label);
}

/** Replaces the value at a random path of a JSON value with another value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const index = (path[0] ?? 0) % entries.length;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  const [key, child] = entries[index]!;
  copy[key] = mutate(child, path.slice(1), replacement);
  return copy;
}

const replacement = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .base64String({ maxLength: 200 })
    .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

for (const db of databases()) {
  describe(`robustness (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(async () => {
      await h.close();
    });

    async function stateSnapshot() {
      return {
        succeeded: (await auditEvents(h, 'ceremony.succeeded')).length,
        registered: (await auditEvents(h, 'credential.registered')).length,
      };
    }

    it('answers random bodies at every finish and start endpoint with a 4xx and no state change', async () => {
      const before = await stateSnapshot();
      const paths = [
        '/register/transactions/webauthn/start',
        '/register/transactions/webauthn/finish',
        '/authenticate/transactions/webauthn/finish',
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.oneof(fc.json(), fc.string({ maxLength: 200 })),
          async (path, body) => {
            const res = await h.server.inject({
              method: 'POST',
              url: `/v1/apps/${h.app.id}${path}`,
              headers: { 'content-type': 'application/json' },
              payload: body,
            });
            assertClientError(res, `${path} ${body.slice(0, 80)}`);
          },
        ),
        { numRuns: 300 },
      );
      assert.deepEqual(await stateSnapshot(), before);
    });

    it('answers mutated registration responses with a 4xx and stores nothing', async () => {
      const authenticator = new SoftwareAuthenticator();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          replacement,
          async (path, value) => {
            const started = await startRegister(h, await registerTransaction(h, `fuzz-reg-${n++}`));
            const valid = await authenticator.createCredential({
              options: started.options,
              origin: ORIGIN,
            });
            const mutated = mutate(valid, path, value) as Record<string, unknown>;
            const beforeState = await stateSnapshot();
            const res = await finishRegister(h, started, mutated);
            // A mutation of an ignored field (such as clientExtensionResults) may still verify.
            if (res.statusCode === 200) return;
            assertClientError(res, JSON.stringify(path));
            assert.deepEqual(await stateSnapshot(), beforeState);
          },
        ),
        { numRuns: 80 },
      );
    });

    it('answers mutated authentication responses with a 4xx and mints no nonce', async () => {
      const { authenticator } = await registerUser(h, 'fuzz-login');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          replacement,
          async (path, value) => {
            const started = await startLogin(h, await authenticateTransaction(h, 'fuzz-login'));
            const valid = await authenticator.getAssertion({
              options: started.options,
              origin: ORIGIN,
            });
            const mutated = mutate(valid, path, value) as Record<string, unknown>;
            const beforeState = await stateSnapshot();
            const res = await finishLogin(h, started, mutated);
            if (res.statusCode === 200) return;
            assertClientError(res, JSON.stringify(path));
            assert.deepEqual(await stateSnapshot(), beforeState);
          },
        ),
        { numRuns: 80 },
      );
    });

    it('answers flipped bytes in the binary fields with a 4xx', async () => {
      const { authenticator } = await registerUser(h, 'fuzz-bytes');
      const fields = ['clientDataJSON', 'authenticatorData', 'signature'] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fields),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (field, at, xor) => {
            const started = await startLogin(h, await authenticateTransaction(h, 'fuzz-bytes'));
            const valid = await authenticator.getAssertion({
              options: started.options,
              origin: ORIGIN,
            });
            const bytes = Buffer.from(valid.response[field], 'base64url');
            const i = at % bytes.length;
            bytes[i] = (bytes[i] ?? 0) ^ xor;
            const res = await finishLogin(h, started, {
              ...valid,
              response: { ...valid.response, [field]: bytes.toString('base64url') },
            });
            assertClientError(res, `${field}[${i}]^${xor}`);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('refuses an ES256 signature whose DER tag was changed but whose r and s still verify', async () => {
      const { authenticator } = await registerUser(h, 'der-tag');
      for (const tag of [0xb0, 0x70, 0xf0]) {
        const started = await startLogin(h, await authenticateTransaction(h, 'der-tag'));
        const valid = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const signature = Buffer.from(valid.response.signature, 'base64url');
        assert.equal(signature[0], 0x30);
        signature[0] = tag;
        const res = await finishLogin(h, started, {
          ...valid,
          response: { ...valid.response, signature: signature.toString('base64url') },
        });
        assert.equal(res.statusCode, 401, `tag 0x${tag.toString(16)}`);
        assert.equal(res.json().code, 'webauthn_login_failed');
      }
    });

    it('refuses an attestation object that is valid CBOR but not a map', async () => {
      const authenticator = new SoftwareAuthenticator();
      // "AA" is one byte, 0x00: the CBOR integer 0.
      for (const attestationObject of ['AA', 'YWJj', 'gA']) {
        const started = await startRegister(
          h,
          await registerTransaction(h, `not-a-map-${attestationObject}`),
        );
        const valid = await authenticator.createCredential({
          options: started.options,
          origin: ORIGIN,
        });
        const res = await finishRegister(h, started, {
          ...valid,
          response: { ...valid.response, attestationObject },
        });
        assert.equal(res.statusCode, 400, `${attestationObject}: ${res.body}`);
        assert.equal(res.json().code, 'invalid_request');
      }
    });

    it('refuses a few bytes of CBOR that declare 2^32 items', async () => {
      for (const hex of [
        '9b0000000100000000',
        'bb0000000100000000',
        'a1646175746844617461',
        'ba ffffffff'.replace(' ', ''),
      ]) {
        const started = await startRegister(h, await registerTransaction(h, `cbor-${hex}`));
        const valid = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
        });
        const res = await finishRegister(h, started, {
          ...valid,
          response: {
            ...valid.response,
            attestationObject: Buffer.from(hex, 'hex').toString('base64url'),
          },
        });
        assertClientError(res, hex);
      }
    });

    it('refuses a credential id longer than 1023 bytes', async () => {
      const started = await startRegister(h, await registerTransaction(h, 'long-id'));
      const longId = Buffer.alloc(1024, 7).toString('base64url');
      const valid = await new SoftwareAuthenticator().createCredential({
        options: started.options,
        origin: ORIGIN,
        overrides: { credentialId: longId },
      });
      const res = await finishRegister(h, started, valid);
      assertClientError(res, 'long id');
      assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'credential_too_long');
      const tooLongForSchema = await finishRegister(h, started, {
        ...valid,
        id: 'A'.repeat(2000),
        rawId: 'A'.repeat(2000),
      });
      assertClientError(tooLongForSchema, 'schema');
    });

    it('refuses padding-free standard base64 (+ and /) in binary fields', async () => {
      const started = await startRegister(h, await registerTransaction(h, 'b64'));
      const valid = await new SoftwareAuthenticator().createCredential({
        options: started.options,
        origin: ORIGIN,
      });
      const res = await finishRegister(h, started, {
        ...valid,
        response: { ...valid.response, clientDataJSON: `${valid.response.clientDataJSON}+/` },
      });
      assertClientError(res, 'base64');
    });

    it('refuses an oversized body with 413', async () => {
      const res = await h.server.inject({
        method: 'POST',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/finish`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ padding: 'x'.repeat(200 * 1024) }),
      });
      assert.equal(res.statusCode, 413);
      assertClientError(res, 'oversized');
    });

    it('refuses deeply nested JSON without parsing it', async () => {
      const res = await h.server.inject({
        method: 'POST',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/finish`,
        headers: { 'content-type': 'application/json' },
        payload: `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      });
      assert.equal(res.statusCode, 400);
      assertClientError(res, 'deep');
    });

    it('refuses a JSON array, a string and malformed JSON as a body', async () => {
      for (const payload of ['[]', '"x"', '{"a":', '\u0000']) {
        const res = await h.server.inject({
          method: 'POST',
          url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        assertClientError(res, payload);
      }
    });

    it('refuses wrong types in management bodies with invalid_request', async () => {
      for (const body of [
        {},
        { external_id: 5, passkey_display_name: 'x' },
        { external_id: 'x' },
        { external_id: '', passkey_display_name: 'x' },
      ]) {
        const res = await h.manage('POST', '/transactions/register', body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.json().code, 'invalid_request');
      }
      const res = await h.manage('GET', '/users?limit=abc');
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'invalid_request');
    });
  });
}

/**
 * The JSON Schema in docs/portability.schema.json describes what latchkey writes: every line of a
 * real export validates against it, and a line the import would refuse does not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { exportPasskeys } from '@latchkey/core';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { databases, type Harness, openHarness, registerUser } from '../testing/harness.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../../../docs/portability.schema.json', import.meta.url), 'utf8'),
);

describe('the export format schema', () => {
  let h: Harness;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  before(async () => {
    const [sqlite] = databases();
    assert.ok(sqlite);
    h = await openHarness(sqlite);
    await registerUser(h, 'alice');
    await registerUser(h, 'bob');
  });
  after(() => h.close());

  it('accepts every line of a real export', async () => {
    let lines = 0;
    for await (const line of exportPasskeys(h.runtime, { appId: h.app.id })) {
      lines += 1;
      assert.equal(validate(line), true, JSON.stringify(validate.errors));
    }
    assert.equal(lines, 3);
  });

  it('refuses a passkey without its counter or with BE missing', () => {
    const line = {
      externalId: 'x',
      passkeys: [{ credentialId: 'AAAA', publicKey: 'AAAA', backupEligible: true }],
    };
    assert.equal(validate(line), false);
    line.passkeys[0] = { credentialId: 'AAAA', publicKey: 'AAAA', counter: 1 } as never;
    assert.equal(validate(line), false);
  });
});

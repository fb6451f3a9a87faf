import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, RULE_VARIABLES } from '@latchkey/core';
import { CLIENT_ERROR_CODES, CLIENT_ERRORS, SERVER_ERRORS } from './actions-errors.ts';

const doc = readFileSync(new URL('../../../../../docs/actions.md', import.meta.url), 'utf8');

describe('actions error tables', () => {
  it('map every core error code for the server API and the client API', () => {
    for (const code of ERROR_CODES) {
      const server = SERVER_ERRORS[code];
      assert.ok(server, `${code} has no server mapping`);
      assert.ok(server.status >= 400 && server.status < 500, code);
      const client = CLIENT_ERRORS[code];
      assert.ok(client, `${code} has no client mapping`);
      assert.ok((CLIENT_ERROR_CODES as readonly string[]).includes(client.error), code);
    }
  });

  it('answer a missing scope with invalid_token and an expired token with expired_token', () => {
    assert.equal(CLIENT_ERRORS.token_scope_missing.error, 'invalid_token');
    assert.equal(CLIENT_ERRORS.expired_token.error, 'expired_token');
    assert.equal(SERVER_ERRORS.unauthorized.status, 401);
    assert.equal(SERVER_ERRORS.unauthorized.error, 'unauthorized');
  });
});

describe('docs/actions.md', () => {
  it('documents every variable a rule condition can read', () => {
    for (const name of Object.keys(RULE_VARIABLES)) {
      assert.ok(doc.includes(`| \`${name}\` |`), `docs/actions.md does not document ${name}`);
    }
  });

  it('documents every client error code', () => {
    for (const code of CLIENT_ERROR_CODES.filter((c) => c !== 'too_many_requests')) {
      assert.ok(doc.includes(`\`${code}\``), code);
    }
  });
});

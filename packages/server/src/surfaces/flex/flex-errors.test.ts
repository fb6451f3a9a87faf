import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '@latchkey/core';
import { FLEX_ERROR_CODES, FLEX_ERRORS } from './flex-errors.ts';

describe('flex error table', () => {
  it('maps every core error code to a flex code and a 4xx status', () => {
    for (const code of ERROR_CODES) {
      const mapped = FLEX_ERRORS[code];
      assert.ok(mapped, `${code} has no mapping`);
      assert.ok((FLEX_ERROR_CODES as readonly string[]).includes(mapped.code), code);
      assert.ok(mapped.status >= 400 && mapped.status < 500, code);
    }
  });

  it('documents every flex error code in docs/api.md', () => {
    const doc = readFileSync(new URL('../../../../../docs/api.md', import.meta.url), 'utf8');
    for (const code of FLEX_ERROR_CODES) {
      assert.ok(doc.includes(`\`${code}\``), `docs/api.md does not mention ${code}`);
    }
  });
});

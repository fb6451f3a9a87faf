import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMPORT_PROBLEMS } from '@latchkey/core';
import { ApiError } from './ui/api-error.ts';
import {
  IMPORT_BODY_LIMIT_BYTES,
  importErrorText,
  importFileProblem,
} from './ui/portability/import-errors.ts';
import {
  formatForFileName,
  IMPORT_FORMAT_DETAILS,
  IMPORT_FORMATS,
} from './ui/portability/import-formats.ts';
import { explainImportProblem, IMPORT_PROBLEM_HELP } from './ui/portability/import-problem-help.ts';
import { reportHeadline, unlistedSkips } from './ui/portability/import-report.ts';
import type { ImportReport } from './ui/types.ts';

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return {
    dry_run: false,
    changed: true,
    entries: 2,
    committed_through: 2,
    users: { created: 2, existing: 0, skipped: 0 },
    passkeys: { imported: 2, already_present: 0, skipped: 0 },
    skipped_by_reason: {},
    skips: [],
    ...overrides,
  };
}

describe('import problem help', () => {
  it('explains every reason the server leaves an entry out for, and no other', () => {
    assert.deepEqual(Object.keys(IMPORT_PROBLEM_HELP).sort(), [...IMPORT_PROBLEMS].sort());
  });

  it('reads a reason as its sentence with the code, and an unknown one as it is', () => {
    assert.equal(
      explainImportProblem('credential_in_other_app'),
      'another app on this server has this passkey; a passkey is never copied across apps (credential_in_other_app)',
    );
    assert.equal(explainImportProblem('something_new'), 'something_new');
  });
});

describe('import formats', () => {
  it('sends each format as one of the media types the import route takes', () => {
    const taken = ['application/x-ndjson', 'application/json', 'application/yaml', 'text/plain'];
    for (const format of IMPORT_FORMATS) {
      assert.ok(taken.includes(IMPORT_FORMAT_DETAILS[format].mediaType), format);
    }
  });

  it('picks the format a file name is certain of, and leaves a .json file to the operator', () => {
    assert.equal(formatForFileName('a1-passkeys.ndjson'), 'latchkey');
    assert.equal(formatForFileName('AUTHELIA.EXPORT.WEBAUTHN.YML'), 'authelia');
    assert.equal(formatForFileName('passkeys.json'), null);
  });
});

describe('import report in words', () => {
  it('says a dry run wrote nothing, with what it would import and leave out', () => {
    const dry = report({
      dry_run: true,
      users: { created: 1, existing: 1, skipped: 0 },
      passkeys: { imported: 1, already_present: 2, skipped: 1 },
    });
    assert.equal(
      reportHeadline(dry),
      'Dry run: would import 1 passkey of 1 new user; 2 present already, 1 left out. Nothing was written.',
    );
  });

  it('says what an import wrote, and that a repeated one changed nothing', () => {
    assert.equal(reportHeadline(report()), 'Imported 2 passkeys of 2 new users.');
    const again = report({
      changed: false,
      users: { created: 0, existing: 2, skipped: 0 },
      passkeys: { imported: 0, already_present: 2, skipped: 0 },
    });
    assert.match(reportHeadline(again), /^Nothing changed: /);
  });

  it('counts the skips the report does not list', () => {
    const skip = {
      at: 2,
      external_id: 'ada',
      credential_id: 'AAAA',
      reason: 'counter_invalid',
      message: 'counter must be a whole number',
    };
    const many = report({
      users: { created: 0, existing: 0, skipped: 3 },
      passkeys: { imported: 0, already_present: 0, skipped: 100 },
      skips: Array.from({ length: 100 }, () => skip),
    });
    assert.equal(unlistedSkips(many), 3);
    assert.equal(unlistedSkips(report()), 0);
  });
});

describe('import errors', () => {
  it('refuses an empty file and one over the body limit before sending it', () => {
    assert.equal(importFileProblem({ size: 1 }), null);
    assert.equal(importFileProblem({ size: IMPORT_BODY_LIMIT_BYTES }), null);
    assert.equal(importFileProblem({ size: 0 }), 'The file is empty.');
    assert.match(importFileProblem({ size: IMPORT_BODY_LIMIT_BYTES + 1 }) ?? '', /latchkey import/);
  });

  it('explains a refusal by its code, and sends a too large file to the CLI', () => {
    const refused = importErrorText(
      new ApiError(400, 'invalid_request', 'the first line is not a latchkey export header'),
    );
    assert.match(refused, /\(400\): the first line is not a latchkey export header/);
    assert.match(refused, /\(invalid_request\)/);
    const large = importErrorText(
      new ApiError(413, 'payload_too_large', 'request body is too large'),
    );
    assert.match(large, /\(payload_too_large\)/);
    assert.match(large, /latchkey import/);
  });

  it('says a request that got no answer may have run, and that running it again is safe', () => {
    const text = importErrorText(new TypeError('Failed to fetch'));
    assert.match(text, /Failed to fetch/);
    assert.match(text, /running it again is safe/);
  });
});

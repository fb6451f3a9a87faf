/**
 * Turns an import file (or request body) of one of the formats latchkey reads into the core's raw
 * entries. latchkey's own format is read a line at a time from a file, so a file of millions of
 * users is never held whole; the other formats are single documents (an Authelia YAML export, a
 * JSON list of records) and are parsed whole.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  LatchkeyError,
  type RawEntry,
  readAutheliaExport,
  readLatchkeyExport,
  readSimpleWebAuthnRecords,
  type UnreadableEntry,
} from '@latchkey/core';
import { parse as parseYaml } from 'yaml';

/** The formats an import reads, by the name `--format` and `?format=` take. */
export const IMPORT_FORMATS = ['latchkey', 'authelia', 'simplewebauthn'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

type Entries = AsyncIterable<RawEntry | UnreadableEntry> | Iterable<RawEntry | UnreadableEntry>;

/** A whole document as YAML (which JSON is a subset of), or `invalid_request`. */
function parseDocument(text: string, what: string): unknown {
  try {
    // A document with many aliases could expand without bound: the parser's own limit applies.
    return parseYaml(text, { maxAliasCount: 100 });
  } catch {
    throw new LatchkeyError('invalid_request', `the ${what} is not valid YAML or JSON`);
  }
}

/** A JSON list of records, or one JSON record a line. */
function parseRecords(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    try {
      return lines.map((line) => JSON.parse(line));
    } catch {
      throw new LatchkeyError(
        'invalid_request',
        'the records are neither a JSON list nor one JSON object a line',
      );
    }
  }
}

/**
 * Raw entries of an import held as text (an admin API request body).
 *
 * @example
 * const entries = entriesFromText('latchkey', request.body);
 */
export function entriesFromText(format: ImportFormat, text: string): Entries {
  switch (format) {
    case 'latchkey':
      return readLatchkeyExport(text.split('\n'));
    case 'authelia':
      return readAutheliaExport(parseDocument(text, 'Authelia export'));
    case 'simplewebauthn':
      return readSimpleWebAuthnRecords(parseRecords(text));
  }
}

/**
 * Raw entries of an import file. latchkey's format is streamed a line at a time.
 *
 * @example
 * const entries = await entriesFromFile('latchkey', 'export.ndjson');
 */
export async function entriesFromFile(format: ImportFormat, path: string): Promise<Entries> {
  try {
    if (format === 'latchkey') {
      const stream = createReadStream(path, { encoding: 'utf8' });
      // Opening errors (no such file) surface here rather than in the middle of the import.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      return readLatchkeyExport(lines);
    }
    return entriesFromText(format, await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new LatchkeyError('invalid_request', `cannot read ${path}: ${code}`, { cause: error });
  }
}

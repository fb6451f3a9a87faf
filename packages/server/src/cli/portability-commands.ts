import { once } from 'node:events';
import { exportPasskeys, importPasskeys, type RequestContext, type Runtime } from '@latchkey/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  entriesFromFile,
  IMPORT_FORMATS,
  type ImportFormat,
} from '../portability/import-readers.ts';
import { reportLines, skipLine } from '../portability/import-report-lines.ts';
import { presentImportReport } from '../portability/present-import-report.ts';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  }
  return n;
}

/** Writes text to stdout, waiting when the pipe is full so that an export never piles up in memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/**
 * `latchkey export` and `latchkey import`: an app's users and passkeys out to latchkey's format
 * and in from it or another server's, directly against the database.
 */
export function addPortabilityCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  program
    .command('export')
    .description("write an app's users and passkeys to stdout as latchkey's format (NDJSON)")
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        for await (const line of exportPasskeys(runtime, { appId: options.app }, context)) {
          await write(`${JSON.stringify(line)}\n`);
        }
      });
    });

  program
    .command('import')
    .description(
      'import users and passkeys into an app from a file; running it again changes nothing',
    )
    .argument('<file>', 'the file to import')
    .requiredOption('--app <id>', 'app id')
    .addOption(
      new Option('--format <format>', 'what wrote the file')
        .choices(IMPORT_FORMATS)
        .default('latchkey'),
    )
    .option('--dry-run', 'check and count everything, write nothing')
    .option('--batch-size <n>', 'users per transaction (default 500)', batchSize)
    .option('--db <url>', 'database URL')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        const entries = await entriesFromFile(options.format as ImportFormat, file);
        const report = await importPasskeys(
          runtime,
          {
            appId: options.app,
            entries,
            dryRun: options.dryRun === true,
            ...(options.batchSize ? { batchSize: options.batchSize } : {}),
            onSkip: (skip) => process.stderr.write(`skipped ${skipLine(skip)}\n`),
          },
          context,
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify(presentImportReport(report), null, 2)}\n`
            : `${reportLines(report).join('\n')}\n`,
        );
      });
    });
}

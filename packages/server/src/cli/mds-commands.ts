import { readFile } from 'node:fs/promises';
import {
  authenticatorMetadataStatus,
  loadAuthenticatorMetadata,
  type MetadataStatus,
  type RequestContext,
  type Runtime,
} from '@latchkey/core';
import type { Command } from 'commander';
import { CliFailure } from './cli-errors.ts';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

function statusJson(status: MetadataStatus): Record<string, unknown> {
  return {
    serial: status.serial,
    next_update: status.nextUpdate,
    entries: status.entryCount,
    loaded_at: new Date(status.loadedAt).toISOString(),
    stale: status.stale,
  };
}

function statusLines(status: MetadataStatus): string[] {
  return [
    `blob number ${status.serial}, ${status.entryCount} authenticators, next update ${status.nextUpdate}`,
    ...(status.stale
      ? [
          `warning: the blob is past its nextUpdate (${status.nextUpdate}): download a newer one and load it`,
        ]
      : []),
  ];
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliFailure('unreadable_file', `cannot read the ${what} ${path}: ${reason}`);
  }
}

/** `latchkey mds load|status`: the FIDO MDS3 metadata that attestations are verified against. */
export function addMdsCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const mds = program
    .command('mds')
    .description('FIDO Metadata Service (MDS3) blobs: authenticator metadata for attestation');

  mds
    .command('load')
    .description(
      'verify a FIDO MDS3 blob (signature and chain up to the FIDO root) and use it on every instance',
    )
    .argument('<file>', 'the blob as downloaded (a JWS), e.g. from https://mds3.fidoalliance.org/')
    .option(
      '--root <pem-file>',
      'trust this root certificate (PEM) instead of the FIDO Alliance root, for test or private metadata',
    )
    .option('--db <url>', 'database URL')
    .option('--json', 'print one JSON object')
    .action(async (file: string, options) => {
      const blob = await readText(file, 'metadata blob');
      const root = options.root ? await readText(options.root, 'root certificate') : null;
      await withRuntime(options.db, async (runtime) => {
        const status = await loadAuthenticatorMetadata(
          runtime,
          { blob, ...(root ? { trustedRoots: [root] } : {}) },
          context,
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(statusJson(status), null, 2)}\n`);
          return;
        }
        const [first, ...rest] = statusLines(status);
        process.stdout.write(`loaded ${first}\n`);
        for (const line of rest) process.stderr.write(`${line}\n`);
      });
    });

  mds
    .command('status')
    .description('show the metadata blob in use and whether it is stale')
    .option('--db <url>', 'database URL')
    .option('--json', 'print one JSON object')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const status = await authenticatorMetadataStatus(runtime);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify(status ? statusJson(status) : { metadata: null }, null, 2)}\n`,
          );
          return;
        }
        if (!status) {
          process.stdout.write('no metadata loaded yet: latchkey mds load FILE\n');
          return;
        }
        process.stdout.write(`${statusLines(status).join('\n')}\n`);
      });
    });
}

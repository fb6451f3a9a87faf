import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { exportPasskeys, IMPORT_PROBLEMS, importPasskeys, type Runtime } from '@latchkey/core';
import { type TLiteral, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { entriesFromText, IMPORT_FORMATS } from '../../portability/import-readers.ts';
import { presentImportReport } from '../../portability/present-import-report.ts';
import { asOperator } from './operator-request.ts';
import { AdminError, AppParams, errors } from './schemas.ts';

const tags = ['admin: export and import'];
const security = [{ operatorToken: [] }];

/**
 * The largest import body the admin API takes: about 25,000 users in latchkey's format. Larger
 * imports go through `latchkey import`, which streams the file into the database.
 */
export const IMPORT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** The media types an import body may be sent as; each is read as text and parsed by its format. */
const IMPORT_MEDIA_TYPES = [
  'application/x-ndjson',
  'application/json',
  'application/yaml',
  'text/plain',
];

const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v): TLiteral<T> => Type.Literal(v)));

const ImportQuery = Type.Object({
  format: Type.Optional(oneOf(IMPORT_FORMATS)),
  dry_run: Type.Optional(oneOf(['true', 'false'])),
});

const Count = Type.Integer({ minimum: 0 });
const ImportReport = Type.Object({
  dry_run: Type.Boolean(),
  changed: Type.Boolean({ description: 'False when nothing was (or would be) written.' }),
  entries: Count,
  committed_through: Type.Integer({
    description: 'Position of the last entry whose batch was committed.',
  }),
  users: Type.Object({ created: Count, existing: Count, skipped: Count }),
  passkeys: Type.Object({ imported: Count, already_present: Count, skipped: Count }),
  skipped_by_reason: Type.Record(Type.String(), Count, {
    description: 'Keys are import problem codes.',
  }),
  skips: Type.Array(
    Type.Object({
      at: Type.Integer(),
      external_id: Type.Union([Type.String(), Type.Null()]),
      credential_id: Type.Union([Type.String(), Type.Null()]),
      reason: oneOf(IMPORT_PROBLEMS),
      message: Type.String(),
    }),
    { description: 'The first 100 skips.' },
  ),
});

/** `GET …/export` (NDJSON, streamed) and `POST …/import` of an app's users and passkeys. */
export function registerPortabilityRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Not through the type provider: the answer is a stream, which no response schema types.
  app.get<{ Params: { app_id: string } }>(
    '/apps/:app_id/export',
    {
      schema: {
        tags,
        security,
        summary: "Export the app's users and passkeys as latchkey's format (NDJSON, streamed)",
        params: AppParams,
        produces: ['application/x-ndjson'],
        response: { 200: Type.String({ description: 'docs/portability.md' }), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const lines = exportPasskeys(acting, { appId: request.params.app_id }, context);
      // The header is read before anything is sent, so an unknown app is a 404, not a broken stream.
      const header = await lines.next();
      async function* text(): AsyncGenerator<string> {
        if (!header.done) yield `${JSON.stringify(header.value)}\n`;
        for await (const line of lines) yield `${JSON.stringify(line)}\n`;
      }
      return reply.type('application/x-ndjson').send(Readable.from(text()));
    },
  );

  app.register(async (scope) => {
    // Only here is a body text to be parsed by its format, and allowed past the global limit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      IMPORT_MEDIA_TYPES,
      { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/apps/:app_id/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security,
          summary:
            'Import users and passkeys (latchkey, Authelia or SimpleWebAuthn format); idempotent',
          description:
            'The body is the file as text, up to 16 MiB. Larger imports: `latchkey import` (docs/portability.md).',
          params: AppParams,
          querystring: ImportQuery,
          consumes: IMPORT_MEDIA_TYPES,
          body: Type.String({ description: 'The file to import' }),
          response: { 200: ImportReport, 413: AdminError, ...errors },
        },
      },
      async (request) => {
        const { runtime: acting, context } = asOperator(runtime, request);
        const format = request.query.format ?? 'latchkey';
        const report = await importPasskeys(
          acting,
          {
            appId: request.params.app_id,
            entries: entriesFromText(format, request.body),
            dryRun: request.query.dry_run === 'true',
          },
          context,
        );
        return presentImportReport(report);
      },
    );
  });
}

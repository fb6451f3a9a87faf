import { useState } from 'preact/hooks';
import { Notice } from '../components/notice.tsx';
import { downloadExport } from '../portability/download-export.ts';
import { importErrorText, importFileProblem } from '../portability/import-errors.ts';
import {
  formatForFileName,
  IMPORT_FORMAT_DETAILS,
  IMPORT_FORMATS,
  type ImportFormat,
} from '../portability/import-formats.ts';
import { ImportReportView } from '../portability/import-report-view.tsx';
import { runImport } from '../portability/import-request.ts';
import { href } from '../router.ts';
import type { App, ImportReport } from '../types.ts';

/**
 * Moving passkeys in and out of an app: download its export in latchkey's format, and import a
 * file of latchkey's, Authelia's or SimpleWebAuthn's format, always as a dry run first and then for
 * real once the operator has read what it would do.
 */
export function PortabilityPage(props: { app: App }) {
  return (
    <section>
      <hgroup>
        <h1>Export and import passkeys</h1>
        <p>
          Move users and their passkeys between latchkey servers, or in from another passkey server.
          Users keep the passkeys they have: nobody enrolls again.
        </p>
      </hgroup>
      <ExportPanel app={props.app} />
      <ImportPanel app={props.app} />
    </section>
  );
}

function ExportPanel(props: { app: App }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <article>
      <header>
        <h2>Export</h2>
      </header>
      <p>
        Every user of <strong>{props.app.name}</strong> with their passkeys’ public keys, counters
        and flags, in latchkey’s versioned format (one JSON line a user). It holds no secret: a
        passkey’s private key never leaves the user’s authenticator. The export is audited.
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      <button
        type="button"
        aria-busy={busy}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadExport(props.app.app_id);
          } catch (e) {
            setError(`The export failed: ${(e as Error).message}`);
          } finally {
            setBusy(false);
          }
        }}
      >
        Download export
      </button>
    </article>
  );
}

/** What the operator picked: a dry run's report holds only for the same file and format. */
interface Choice {
  file: File | null;
  format: ImportFormat;
}

function ImportPanel(props: { app: App }) {
  const [choice, setChoice] = useState<Choice>({ file: null, format: 'latchkey' });
  const [dryRun, setDryRun] = useState<ImportReport | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'dry-run' | 'import' | null>(null);
  const choose = (next: Choice) => {
    setChoice(next);
    setDryRun(null);
    setDone(null);
    setError(null);
  };
  const run = async (real: boolean) => {
    const { file, format } = choice;
    if (!file) return;
    const problem = importFileProblem(file);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(real ? 'import' : 'dry-run');
    setError(null);
    setDone(null);
    try {
      const report = await runImport({ appId: props.app.app_id, format, file, dryRun: !real });
      if (real) setDone(report);
      else setDryRun(report);
    } catch (e) {
      if (!real) setDryRun(null);
      setError(importErrorText(e));
    } finally {
      setBusy(null);
    }
  };
  const details = IMPORT_FORMAT_DETAILS[choice.format];
  return (
    <article>
      <header>
        <h2>Import</h2>
      </header>
      <p>
        The passkeys must have been registered for this app’s RP ID, <code>{props.app.rp_id}</code>.
        A dry run first shows what the import would do and writes nothing. Importing is safe to
        repeat: users and passkeys present already are left exactly as they are (a counter is never
        set back), so running the same file again changes nothing.
      </p>
      <form aria-label="Import passkeys" onSubmit={(event) => event.preventDefault()}>
        <label>
          File
          <input
            type="file"
            name="file"
            accept={IMPORT_FORMATS.flatMap((f) => IMPORT_FORMAT_DETAILS[f].extensions).join(',')}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0] ?? null;
              const guessed = file ? formatForFileName(file.name) : null;
              choose({ file, format: guessed ?? choice.format });
            }}
          />
        </label>
        <label>
          Format
          <select
            name="format"
            value={choice.format}
            onChange={(e) => choose({ ...choice, format: e.currentTarget.value as ImportFormat })}
          >
            {IMPORT_FORMATS.map((f) => (
              <option value={f}>{IMPORT_FORMAT_DETAILS[f].label}</option>
            ))}
          </select>
          <small>{details.hint}</small>
        </label>
        <div class="actions-row">
          <button
            type="button"
            disabled={!choice.file || busy !== null}
            aria-busy={busy === 'dry-run'}
            onClick={() => void run(false)}
          >
            Dry run
          </button>
          <button
            type="button"
            // Only what a dry run has shown is imported: the same file, the same format.
            disabled={!dryRun || busy !== null || done !== null}
            aria-busy={busy === 'import'}
            onClick={() => void run(true)}
          >
            Import
          </button>
        </div>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {dryRun && !done && <ImportReportView report={dryRun} />}
      {done && (
        <>
          <ImportReportView report={done} />
          <p>
            <a href={href(['apps', props.app.app_id, 'users'])}>
              See the users of {props.app.name}
            </a>
          </p>
        </>
      )}
    </article>
  );
}

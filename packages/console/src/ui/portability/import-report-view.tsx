import { Badge } from '../components/notice.tsx';
import type { ImportReport } from '../types.ts';
import { explainImportProblem, IMPORT_PROBLEM_HELP } from './import-problem-help.ts';
import { reportHeadline, unlistedSkips } from './import-report.ts';

/**
 * An import report: a sentence, the counts of users and passkeys, how many each reason left out,
 * and each listed skip with its position in the file and its reason explained.
 */
export function ImportReportView(props: { report: ImportReport }) {
  const { report } = props;
  const reasons = Object.entries(report.skipped_by_reason);
  const unlisted = unlistedSkips(report);
  return (
    <div
      class="import-report"
      role="status"
      data-testid={report.dry_run ? 'import-dry-run-report' : 'import-report'}
    >
      <p>
        <Badge tone={report.dry_run ? 'info' : report.changed ? 'ok' : 'info'}>
          {report.dry_run ? 'dry run' : report.changed ? 'imported' : 'nothing changed'}
        </Badge>{' '}
        {reportHeadline(report)}
      </p>
      <table class="import-counts">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{report.dry_run ? 'Would be new' : 'New'}</th>
            <th scope="col">Present already</th>
            <th scope="col">Left out</th>
          </tr>
        </thead>
        <tbody>
          <tr data-row="users">
            <th scope="row">Users</th>
            <td>{report.users.created}</td>
            <td>{report.users.existing}</td>
            <td>{report.users.skipped}</td>
          </tr>
          <tr data-row="passkeys">
            <th scope="row">Passkeys</th>
            <td>{report.passkeys.imported}</td>
            <td>{report.passkeys.already_present}</td>
            <td>{report.passkeys.skipped}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted small">
        {report.entries} {report.entries === 1 ? 'entry' : 'entries'} read.
      </p>
      {reasons.length > 0 && (
        <>
          <h3>Left out, by reason</h3>
          <ul class="import-reasons">
            {reasons.map(([reason, n]) => (
              <li key={reason}>
                <code>{reason}</code> × {n}: {IMPORT_PROBLEM_HELP[reason] ?? 'see the message'}
              </li>
            ))}
          </ul>
        </>
      )}
      {report.skips.length > 0 && (
        <table class="striped import-skips">
          <caption>
            Each entry left out{unlisted > 0 ? ` (the first ${report.skips.length})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">User</th>
              <th scope="col">Passkey</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {report.skips.map((skip) => (
              <tr
                key={`${skip.at}:${skip.credential_id ?? ''}:${skip.reason}`}
                data-reason={skip.reason}
              >
                <td title="The line of a latchkey file, or the position in the list of the other formats">
                  {skip.at}
                </td>
                <td>{skip.external_id ?? <span class="muted">—</span>}</td>
                <td class="mono small">
                  {skip.credential_id ?? <span class="muted">the whole user</span>}
                </td>
                <td>
                  <code title={explainImportProblem(skip.reason)}>{skip.reason}</code>
                  <br />
                  <small>{skip.message}</small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {unlisted > 0 && (
        <p class="muted small">
          {unlisted} more left out, not listed here: latchkey import --dry-run prints every one.
        </p>
      )}
    </div>
  );
}

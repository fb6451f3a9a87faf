import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { FAILURE_HELP } from '../audit/failure-help.ts';
import { ChartCanvas, PALETTE } from '../components/chart-canvas.tsx';
import { Notice } from '../components/notice.tsx';
import { stateTone, TONE_COLOURS } from '../tone.ts';
import type { App, CeremonyCounts, Stats } from '../types.ts';
import { useData } from '../use-data.ts';

/** The periods the overview offers, as the stats API names them. */
const RANGES = [
  ['1h', 'Last hour', 'by 5 minutes'],
  ['24h', 'Last 24 hours', 'by hour'],
  ['7d', 'Last 7 days', 'by day (UTC)'],
  ['30d', 'Last 30 days', 'by day (UTC)'],
] as const;
type Range = (typeof RANGES)[number][0];

/** Failure reasons are all failures: shades of red, told apart by lightness. */
const FAILURE_PALETTE = [
  '#c43030',
  '#e57373',
  '#8e1f1f',
  '#f3a6a6',
  '#b4532a',
  '#d98c6b',
  '#5c1414',
];

/** Review states are amber like challenges, a shade darker so the two stacks stay apart. */
const REVIEW_AMBER = '#a86b00';

function stateColour(state: string): string {
  return state.startsWith('REVIEW') && stateTone(state) === 'warn'
    ? REVIEW_AMBER
    : TONE_COLOURS[stateTone(state)];
}

const TILE_HELP = {
  started: 'Registrations, sign-ins and step-ups whose options latchkey issued in this period.',
  succeeded: 'Ceremonies whose response verified and whose outcome was recorded.',
  failed: 'Ceremonies refused by a check; the failure reasons below say which.',
  abandoned:
    'Started in this period, never succeeded nor failed, and past their lifetime: the user gave up, closed the dialog, or their browser never answered.',
  rate: 'Succeeded out of succeeded and failed (ceremonies still open or abandoned are left out).',
  created: 'Passkeys registered in this period, whether the user was asked or upgraded silently.',
  upgrades:
    'Passkeys the browser created on its own after a password sign-in (automatic passkey upgrade).',
  registrationsFailed: 'Registrations refused by a check in this period.',
} as const;

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function Tile(props: { value: string | number; label: string; help: string; tone: string }) {
  return (
    <div class={`tile tile-${props.tone}`} title={props.help}>
      <span class="tile-value">{props.value}</span>
      <span class="tile-label">{props.label}</span>
    </div>
  );
}

/** An app at a glance over a chosen period: ceremonies, why they failed, actions, rule fires. */
export function OverviewPage(props: { app: App }) {
  const [range, setRange] = useState<Range>('7d');
  const { data, error } = useData(
    () => api<Stats>('GET', apiPath(['apps', props.app.app_id, 'stats'], { range })),
    [props.app.app_id, range],
  );
  const charts = useMemo(() => (data ? buildCharts(data) : null), [data]);
  const sum = data?.buckets.reduce<CeremonyCounts>(
    (acc, d) => ({
      started: acc.started + d.started,
      succeeded: acc.succeeded + d.succeeded,
      failed: acc.failed + d.failed,
      abandoned: acc.abandoned + d.abandoned,
    }),
    { started: 0, succeeded: 0, failed: 0, abandoned: 0 },
  );
  const reasons = Object.entries(data?.failure_reasons ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <section>
      <header class="row page-head">
        <hgroup>
          <h1>{props.app.name}</h1>
          <p>{RANGES.find((r) => r[0] === range)?.[1]}, from the audit log.</p>
        </hgroup>
        <label class="range-select">
          Period
          <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {RANGES.map(([value, label, step]) => (
              <option value={value}>
                {label} ({step})
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <Notice kind="error">{error}</Notice>}
      {sum && data && (
        <div class="tiles">
          <Tile
            value={sum.started}
            label="ceremonies started"
            help={TILE_HELP.started}
            tone="info"
          />
          <Tile value={sum.succeeded} label="succeeded" help={TILE_HELP.succeeded} tone="ok" />
          <Tile value={sum.failed} label="failed" help={TILE_HELP.failed} tone="bad" />
          <Tile
            value={sum.abandoned}
            label={data.in_progress ? `abandoned · ${data.in_progress} still open` : 'abandoned'}
            help={TILE_HELP.abandoned}
            tone="warn"
          />
          <Tile
            value={
              sum.succeeded + sum.failed === 0
                ? '—'
                : `${Math.round((100 * sum.succeeded) / (sum.succeeded + sum.failed))}%`
            }
            label="success rate"
            help={TILE_HELP.rate}
            tone="info"
          />
          {data?.passkey_creations && (
            <>
              <Tile
                value={data.passkey_creations.created}
                label="passkeys created"
                help={TILE_HELP.created}
                tone="ok"
              />
              <Tile
                value={data.passkey_creations.upgrades}
                label="by automatic upgrade"
                help={TILE_HELP.upgrades}
                tone="info"
              />
              <Tile
                value={data.passkey_creations.failed}
                label="registrations failed"
                help={TILE_HELP.registrationsFailed}
                tone="bad"
              />
            </>
          )}
        </div>
      )}
      {charts && data && (
        <div class="grid-2 charts">
          <article>
            <ChartCanvas
              label="Ceremonies"
              summary={`${sum?.succeeded} succeeded, ${sum?.failed} failed, ${sum?.abandoned} abandoned`}
              config={charts.perDay}
            />
          </article>
          <article>
            <ChartCanvas
              label="Failure reasons"
              summary={
                Object.entries(data.failure_reasons)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ') || 'none'
              }
              config={charts.reasons}
              empty={total(data.failure_reasons) === 0 ? 'No failures in this period.' : null}
            />
            {reasons.length > 0 && (
              <ul class="reasons" aria-label="Failure reasons, with what each means">
                {reasons.map(([reason, count]) => (
                  <li>
                    <code class="help" title={FAILURE_HELP[reason] ?? 'No description'}>
                      {reason}
                    </code>{' '}
                    <span class="muted">{count}</span>
                  </li>
                ))}
              </ul>
            )}
          </article>
          <article>
            <ChartCanvas
              label="Actions by code and outcome"
              summary={Object.keys(data.actions_by_code).join(', ') || 'none'}
              config={charts.actions}
              empty={Object.keys(data.actions_by_code).length === 0 ? 'No tracked actions.' : null}
            />
          </article>
          <article>
            <ChartCanvas
              label="Rule fires"
              summary={
                Object.entries(data.rule_fires)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ') || 'none'
              }
              config={charts.rules}
              empty={total(data.rule_fires) === 0 ? 'No rule has fired.' : null}
            />
          </article>
        </div>
      )}
    </section>
  );
}

function buildCharts(
  stats: Stats,
): Record<'perDay' | 'reasons' | 'actions' | 'rules', ChartConfiguration> {
  const daily = stats.bucket_seconds >= 86_400;
  const labels = stats.buckets.map((b) =>
    daily
      ? b.start.slice(5, 10)
      : new Date(b.start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
  );
  const states = [...new Set(Object.values(stats.actions_by_code).flatMap((s) => Object.keys(s)))];
  const codes = Object.keys(stats.actions_by_code);
  return {
    perDay: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'succeeded',
            data: stats.buckets.map((d) => d.succeeded),
            backgroundColor: TONE_COLOURS.ok,
            stack: 'done',
          },
          {
            label: 'failed',
            data: stats.buckets.map((d) => d.failed),
            backgroundColor: TONE_COLOURS.bad,
            stack: 'done',
          },
          {
            label: 'abandoned',
            data: stats.buckets.map((d) => d.abandoned),
            backgroundColor: TONE_COLOURS.warn,
            stack: 'done',
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    reasons: {
      type: 'doughnut',
      data: {
        labels: Object.keys(stats.failure_reasons),
        datasets: [
          { data: Object.values(stats.failure_reasons), backgroundColor: FAILURE_PALETTE },
        ],
      },
      options: {
        plugins: {
          legend: { position: 'right' },
          tooltip: {
            callbacks: { afterLabel: (item) => FAILURE_HELP[String(item.label)] ?? '' },
          },
        },
      },
    },
    actions: {
      type: 'bar',
      data: {
        labels: codes,
        datasets: states.map((state, i) => ({
          label: state,
          data: codes.map((code) => stats.actions_by_code[code]?.[state] ?? 0),
          backgroundColor:
            stateTone(state) === 'info' ? PALETTE[i % PALETTE.length] : stateColour(state),
          stack: 'states',
        })),
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    },
    rules: {
      type: 'bar',
      data: {
        labels: Object.keys(stats.rule_fires),
        datasets: [
          {
            label: 'fires',
            data: Object.values(stats.rule_fires),
            // A rule matching is neutral: its outcome, in the actions chart, says what it meant.
            backgroundColor: TONE_COLOURS.info,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    },
  };
}

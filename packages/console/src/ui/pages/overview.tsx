import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { ChartCanvas, PALETTE } from '../components/chart-canvas.tsx';
import { Notice } from '../components/notice.tsx';
import type { App, Stats } from '../types.ts';
import { useData } from '../use-data.ts';

const STATE_COLOURS: Record<string, string> = {
  ALLOW: '#2f9e6b',
  CHALLENGE_REQUIRED: '#e0a100',
  REVIEW_REQUIRED: '#7a5af8',
  BLOCK: '#d93b3b',
};

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** An app at a glance: ceremonies per day, why they failed, actions by code, rules that fired. */
export function OverviewPage(props: { app: App }) {
  const { data, error } = useData(
    () => api<Stats>('GET', apiPath(['apps', props.app.app_id, 'stats'], { days: 14 })),
    [props.app.app_id],
  );
  const charts = useMemo(() => (data ? buildCharts(data) : null), [data]);
  const sum = data?.days.reduce(
    (acc, d) => ({
      started: acc.started + d.started,
      succeeded: acc.succeeded + d.succeeded,
      failed: acc.failed + d.failed,
    }),
    { started: 0, succeeded: 0, failed: 0 },
  );
  return (
    <section>
      <hgroup>
        <h1>{props.app.name}</h1>
        <p>The last 14 days, from the audit log.</p>
      </hgroup>
      {error && <Notice kind="error">{error}</Notice>}
      {sum && (
        <div class="tiles">
          <div class="tile">
            <span class="tile-value">{sum.started}</span>
            <span class="tile-label">ceremonies started</span>
          </div>
          <div class="tile tile-ok">
            <span class="tile-value">{sum.succeeded}</span>
            <span class="tile-label">succeeded</span>
          </div>
          <div class="tile tile-bad">
            <span class="tile-value">{sum.failed}</span>
            <span class="tile-label">failed</span>
          </div>
          <div class="tile">
            <span class="tile-value">
              {sum.succeeded + sum.failed === 0
                ? '—'
                : `${Math.round((100 * sum.succeeded) / (sum.succeeded + sum.failed))}%`}
            </span>
            <span class="tile-label">success rate</span>
          </div>
          {data?.passkey_creations && (
            <>
              <div class="tile tile-ok">
                <span class="tile-value">{data.passkey_creations.created}</span>
                <span class="tile-label">passkeys created</span>
              </div>
              <div class="tile">
                <span class="tile-value">{data.passkey_creations.upgrades}</span>
                <span class="tile-label">by automatic upgrade</span>
              </div>
              <div class="tile tile-bad">
                <span class="tile-value">{data.passkey_creations.failed}</span>
                <span class="tile-label">registrations failed</span>
              </div>
            </>
          )}
        </div>
      )}
      {charts && data && (
        <div class="grid-2 charts">
          <article>
            <ChartCanvas
              label="Ceremonies per day"
              summary={`${sum?.succeeded} succeeded, ${sum?.failed} failed`}
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
  const labels = stats.days.map((d) => d.day.slice(5));
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
            data: stats.days.map((d) => d.succeeded),
            backgroundColor: '#2f9e6b',
            stack: 'done',
          },
          {
            label: 'failed',
            data: stats.days.map((d) => d.failed),
            backgroundColor: '#d93b3b',
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
        datasets: [{ data: Object.values(stats.failure_reasons), backgroundColor: PALETTE }],
      },
      options: { plugins: { legend: { position: 'right' } } },
    },
    actions: {
      type: 'bar',
      data: {
        labels: codes,
        datasets: states.map((state, i) => ({
          label: state,
          data: codes.map((code) => stats.actions_by_code[code]?.[state] ?? 0),
          backgroundColor: STATE_COLOURS[state] ?? PALETTE[i % PALETTE.length],
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
          { label: 'fires', data: Object.values(stats.rule_fires), backgroundColor: '#1e6fd9' },
        ],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    },
  };
}

import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { customNames, parseValue } from '../components/conditions.ts';
import { Badge, Notice } from '../components/notice.tsx';
import { unitOf } from '../components/units.ts';
import { stateTone } from '../tone.ts';
import type { App, DryRun, Outcome, Rule } from '../types.ts';

/** The rules of one action code as the editor holds them, saved or not. */
export interface Draft {
  defaultOutcome: Outcome;
  rules: Rule[];
}

/** "Given these attributes for this user, which rule fires and what outcome?" on the unsaved rules. */
export function DryRunPanel(props: { app: App; path: string; draft: () => Draft }) {
  const [externalId, setExternalId] = useState('');
  const names = useMemo(() => {
    try {
      return [...customNames(props.draft().rules.map((r) => r.conditions))];
    } catch {
      return [];
    }
  }, [props.draft]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [ip, setIp] = useState('');
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <aside class="dry-run">
      <article>
        <header>
          <h2>Dry run</h2>
          <small class="muted">Nothing is tracked or recorded.</small>
        </header>
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            setError(null);
            try {
              const custom: Record<string, string | number | boolean> = {};
              for (const [k, v] of Object.entries(values)) {
                const value = parseValue(v);
                // Custom attributes are text, numbers or booleans; an empty field sends none.
                if (v.trim() !== '' && value !== null) custom[k] = value;
              }
              const draft = props.draft();
              setResult(
                await api<DryRun>('POST', `${props.path}/dry-run`, {
                  ...(externalId.trim() ? { external_id: externalId.trim() } : {}),
                  attributes: { custom, ...(ip.trim() ? { ipAddress: ip.trim() } : {}) },
                  config: { defaultOutcome: draft.defaultOutcome, rules: draft.rules },
                }),
              );
            } catch (e) {
              setResult(null);
              setError((e as Error).message);
            }
          }}
        >
          <label>
            User (external id)
            <input
              name="dry_external_id"
              value={externalId}
              placeholder="a new user if empty"
              onInput={(e) => setExternalId(e.currentTarget.value)}
            />
          </label>
          {[...new Set([...names, ...Object.keys(values)])].filter(Boolean).map((name) => {
            const unit = unitOf(`custom.${name}`);
            const reading = unit?.read(values[name] ?? '') ?? null;
            return (
              <label key={name}>
                custom.{name}
                {unit && <span class="unit"> ({unit.name})</span>}
                <input
                  name={`custom_${name}`}
                  value={values[name] ?? ''}
                  onInput={(e) => setValues({ ...values, [name]: e.currentTarget.value })}
                />
                {reading && <small class="hint reading">{reading}</small>}
              </label>
            );
          })}
          <label>
            IP address
            <input
              value={ip}
              placeholder="optional"
              onInput={(e) => setIp(e.currentTarget.value)}
            />
          </label>
          <button type="submit">Run</button>
        </form>
        {error && <Notice kind="error">{error}</Notice>}
        {result && (
          <div class="dry-run-result" role="status" data-testid="dry-run-result">
            {result.failed.length > 0 && (
              <Notice kind="error">
                Rule error: {result.failed.map((f) => `${f.name} (${f.message})`).join('; ')}
                {result.rule_error_applied
                  ? ". The app's onRuleError outcome applies."
                  : '. A stricter outcome applies anyway.'}
              </Notice>
            )}
            <p class="outcome-line">
              <Badge tone={result.failed.length > 0 ? 'bad' : stateTone(result.outcome)}>
                {result.failed.length > 0 ? `ERROR → ${result.outcome}` : result.outcome}
              </Badge>{' '}
              <span>
                → the action would start as <code>{result.state}</code>
              </span>
            </p>
            <p>
              {result.rule_error_applied ? (
                'Decided by a rule that could not be evaluated, not by one that matched.'
              ) : result.deciding_rule ? (
                <>
                  Decided by <strong>{result.deciding_rule.name}</strong> (priority{' '}
                  {result.deciding_rule.priority})
                </>
              ) : (
                'No rule matched: the default outcome applies.'
              )}
            </p>
            {result.fired.length > 1 && (
              <p>
                <small>
                  Also matched:{' '}
                  {result.fired
                    .slice(1)
                    .map((r) => r.name)
                    .join(', ')}
                </small>
              </p>
            )}
            <details>
              <summary>What the rules saw</summary>
              <pre>{JSON.stringify(result.context, null, 2)}</pre>
            </details>
            <small class="muted">
              {result.user_known ? 'Known user.' : 'Treated as a new user.'}
            </small>
          </div>
        )}
      </article>
    </aside>
  );
}

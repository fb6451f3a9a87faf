import { useEffect, useState } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { ConditionBuilder } from '../components/condition-builder.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { Badge, Notice } from '../components/notice.tsx';
import { when } from '../format.ts';
import { href, navigate } from '../router.ts';
import { stateTone } from '../tone.ts';
import type { ActionConfig, App, Outcome, Rule, Vocabulary } from '../types.ts';
import { useData } from '../use-data.ts';
import { type Draft, DryRunPanel } from './dry-run-panel.tsx';

/** The action codes of an app that have rules, and a way to start a new one. */
export function RulesListPage(props: { app: App }) {
  const path = apiPath(['apps', props.app.app_id, 'action-configs']);
  const { data, error } = useData(() => api<{ configs: ActionConfig[] }>('GET', path), [path]);
  const [code, setCode] = useState('');
  return (
    <section>
      <hgroup>
        <h1>Rules</h1>
        <p>
          Per action code: rules decide ALLOW, CHALLENGE, REVIEW or BLOCK for each tracked action.
        </p>
      </hgroup>
      {error && <Notice kind="error">{error}</Notice>}
      <div class="grid-2">
        <article>
          <header>
            <h2>Action codes</h2>
          </header>
          {data?.configs.length === 0 && <p class="muted">No action has rules yet.</p>}
          <ul class="plain">
            {data?.configs.map((c) => (
              <li key={c.action_code}>
                <a href={href(['apps', props.app.app_id, 'rules', c.action_code])}>
                  <strong>{c.action_code}</strong>
                </a>{' '}
                <small class="muted">
                  {c.rules.length} rules · default{' '}
                  <Badge tone={stateTone(c.default_outcome)}>{c.default_outcome}</Badge> · version{' '}
                  {c.version} · {when(c.updated_at)}
                </small>
              </li>
            ))}
          </ul>
        </article>
        <article>
          <header>
            <h2>New action code</h2>
          </header>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (code.trim()) navigate(['apps', props.app.app_id, 'rules', code.trim()]);
            }}
          >
            <label>
              Action code
              <input
                name="action_code"
                required
                pattern="[A-Za-z0-9_.:\-]{1,64}"
                placeholder="high-value-transfer"
                value={code}
                aria-describedby="hint-action-code"
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </label>
            <small id="hint-action-code" class="hint">
              The code your backend tracks the action with.
            </small>
            <button type="submit">Edit rules</button>
          </form>
        </article>
      </div>
    </section>
  );
}

const OUTCOMES: Outcome[] = ['ALLOW', 'CHALLENGE', 'REVIEW', 'BLOCK'];

function sorted(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => a.priority - b.priority);
}

/** The rule editor of one action code: builder or JSON, priorities, save, and the dry run. */
export function RuleEditorPage(props: { app: App; actionCode: string; vocabulary: Vocabulary }) {
  const path = apiPath(['apps', props.app.app_id, 'action-configs', props.actionCode]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [view, setView] = useState<'builder' | 'json'>('builder');
  const [jsonText, setJsonText] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  useEffect(() => {
    setDraft(null);
    api<ActionConfig>('GET', path).then(
      (c) => {
        setDraft({ defaultOutcome: c.default_outcome, rules: sorted(c.rules) });
        setVersion(c.version);
      },
      () => {
        setDraft({ defaultOutcome: 'ALLOW', rules: [] });
        setVersion(null);
      },
    );
  }, [path]);

  if (!draft) return <p aria-busy="true">Loading…</p>;
  const setRule = (index: number, rule: Rule) =>
    setDraft({ ...draft, rules: draft.rules.map((r, i) => (i === index ? rule : r)) });
  const move = (index: number, by: -1 | 1) => {
    const other = index + by;
    const a = draft.rules[index];
    const b = draft.rules[other];
    if (!a || !b) return;
    // Moving swaps priorities (equal ones are split), so the order shown is the order applied.
    const pa = a.priority === b.priority ? b.priority + (by === -1 ? 0 : 1) : b.priority;
    const pb = a.priority === b.priority ? a.priority + (by === -1 ? 1 : 0) : a.priority;
    const rules = [...draft.rules];
    rules[index] = { ...b, priority: pb };
    rules[other] = { ...a, priority: pa };
    setDraft({ ...draft, rules: sorted(rules) });
  };
  const switchView = (next: 'builder' | 'json') => {
    if (next === 'json') setJsonText(JSON.stringify(draft, null, 2));
    else {
      try {
        const parsed = JSON.parse(jsonText) as Draft;
        setDraft({ defaultOutcome: parsed.defaultOutcome, rules: sorted(parsed.rules ?? []) });
      } catch (e) {
        setMessage({ kind: 'error', text: `The JSON does not parse: ${(e as Error).message}` });
        return;
      }
    }
    setMessage(null);
    setView(next);
  };
  const current = (): Draft => (view === 'json' ? (JSON.parse(jsonText) as Draft) : draft);

  return (
    <section>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={href(['apps', props.app.app_id, 'rules'])}>Rules</a>
          </li>
          <li>{props.actionCode}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{props.actionCode}</h1>
        <p>
          {version === null ? 'Not saved yet.' : `Version ${version}.`} Of the rules that match, the
          lowest priority number decides; when none matches, the default applies.
        </p>
      </hgroup>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div class="toolbar" role="tablist" aria-label="Editor view">
        <button
          type="button"
          role="tab"
          aria-selected={view === 'builder'}
          class={view === 'builder' ? '' : 'secondary outline'}
          onClick={() => switchView('builder')}
        >
          Builder
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={view === 'json'}
          class={view === 'json' ? '' : 'secondary outline'}
          onClick={() => switchView('json')}
        >
          JSON
        </button>
      </div>
      <div class="editor-layout">
        <div>
          {view === 'json' ? (
            <label>
              Configuration (JSON)
              <textarea
                class="mono json-editor"
                rows={24}
                spellcheck={false}
                value={jsonText}
                onInput={(e) => setJsonText(e.currentTarget.value)}
              />
            </label>
          ) : (
            <>
              <label class="default-outcome">
                Default outcome (when no rule matches)
                <select
                  value={draft.defaultOutcome}
                  onChange={(e) =>
                    setDraft({ ...draft, defaultOutcome: e.currentTarget.value as Outcome })
                  }
                >
                  {OUTCOMES.map((o) => (
                    <option value={o}>{o}</option>
                  ))}
                </select>
              </label>
              {draft.rules.map((rule, index) => (
                <article
                  class="rule"
                  key={`${rule.ruleId ?? ''}-${index}`}
                  aria-label={`Rule ${rule.name || index + 1}`}
                >
                  <div class="rule-head">
                    <label>
                      Rule name
                      <input
                        value={rule.name}
                        required
                        onInput={(e) => setRule(index, { ...rule, name: e.currentTarget.value })}
                      />
                    </label>
                    <label class="narrow">
                      Priority
                      <input
                        type="number"
                        min={0}
                        max={99}
                        value={rule.priority}
                        onChange={(e) => {
                          const rules = [...draft.rules];
                          rules[index] = { ...rule, priority: Number(e.currentTarget.value) };
                          setDraft({ ...draft, rules: sorted(rules) });
                        }}
                      />
                    </label>
                    <label class="narrow">
                      Outcome
                      <select
                        value={rule.outcome}
                        onChange={(e) =>
                          setRule(index, { ...rule, outcome: e.currentTarget.value as Outcome })
                        }
                      >
                        {OUTCOMES.map((o) => (
                          <option value={o}>{o}</option>
                        ))}
                      </select>
                    </label>
                  </div>
                  <ConditionBuilder
                    label={`Conditions of ${rule.name || `rule ${index + 1}`}`}
                    value={rule.conditions}
                    variables={props.vocabulary.rule_variables}
                    onChange={(conditions) => setRule(index, { ...rule, conditions })}
                  />
                  <div class="rule-foot">
                    <label class="inline">
                      <input
                        type="checkbox"
                        role="switch"
                        checked={rule.isActive !== false}
                        aria-checked={rule.isActive !== false}
                        onChange={(e) =>
                          setRule(index, { ...rule, isActive: e.currentTarget.checked })
                        }
                      />
                      Active
                    </label>
                    <span class="spacer" />
                    <button
                      type="button"
                      class="secondary outline small"
                      aria-label={`Move ${rule.name} up`}
                      disabled={index === 0}
                      onClick={() => move(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="secondary outline small"
                      aria-label={`Move ${rule.name} down`}
                      disabled={index === draft.rules.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="secondary outline small"
                      onClick={() =>
                        setDraft({ ...draft, rules: draft.rules.filter((_, i) => i !== index) })
                      }
                    >
                      Remove rule
                    </button>
                  </div>
                </article>
              ))}
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  const last = draft.rules.at(-1)?.priority ?? 0;
                  setDraft({
                    ...draft,
                    rules: [
                      ...draft.rules,
                      {
                        name: `Rule ${draft.rules.length + 1}`,
                        priority: Math.min(last + 10, 99),
                        outcome: 'CHALLENGE',
                        isActive: true,
                        conditions: { '>': [{ var: 'custom.amount' }, 1000] },
                      },
                    ],
                  });
                }}
              >
                + Add rule
              </button>
            </>
          )}
          <div class="actions-row save-row">
            <button
              type="button"
              onClick={async () => {
                try {
                  const body = current();
                  const saved = await api<ActionConfig>('PUT', path, {
                    defaultOutcome: body.defaultOutcome,
                    rules: body.rules,
                  });
                  setDraft({ defaultOutcome: saved.default_outcome, rules: sorted(saved.rules) });
                  setVersion(saved.version);
                  if (view === 'json')
                    setJsonText(
                      JSON.stringify(
                        { defaultOutcome: saved.default_outcome, rules: saved.rules },
                        null,
                        2,
                      ),
                    );
                  setMessage({ kind: 'success', text: `Saved as version ${saved.version}.` });
                } catch (e) {
                  setMessage({ kind: 'error', text: (e as Error).message });
                }
              }}
            >
              Save rules
            </button>
            {version !== null && (
              <ConfirmButton
                label="Delete configuration"
                confirmLabel="Confirm delete"
                onConfirm={async () => {
                  await api('DELETE', path);
                  navigate(['apps', props.app.app_id, 'rules']);
                }}
              />
            )}
          </div>
        </div>
        <DryRunPanel app={props.app} path={path} draft={() => current()} />
      </div>
    </section>
  );
}

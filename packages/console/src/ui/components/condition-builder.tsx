import { useState } from 'preact/hooks';
import {
  type Built,
  type Clause,
  fromLogic,
  OPERATORS,
  type OperatorId,
  toLogic,
} from './conditions.ts';
import { unitOf } from './units.ts';

let nextId = 0;

/**
 * Builds a rule's condition from rows of field, operator and value: no JSON to type. Rows are
 * joined by "all" or "any". A condition the builder cannot express is shown as JSON to edit in
 * the JSON view instead.
 */
export function ConditionBuilder(props: {
  value: unknown;
  variables: Record<string, string>;
  onChange: (logic: unknown) => void;
  label: string;
}) {
  const built = fromLogic(props.value);
  const [id] = useState(() => `cond-${nextId++}`);
  if (!built) {
    return (
      <div class="condition-advanced">
        <p>
          <small>
            This condition uses JSONLogic the builder cannot show. Edit it in the JSON view.
          </small>
        </p>
        <pre>{JSON.stringify(props.value, null, 2)}</pre>
      </div>
    );
  }
  const update = (next: Built) => props.onChange(toLogic(next));
  const setClause = (index: number, clause: Clause) =>
    update({ ...built, clauses: built.clauses.map((c, i) => (i === index ? clause : c)) });
  const fields = Object.keys(props.variables).filter((name) => name !== 'custom.<name>');
  return (
    <fieldset class="conditions" aria-label={props.label}>
      <div class="conditions-join">
        <label for={`${id}-join`}>When</label>
        <select
          id={`${id}-join`}
          value={built.join}
          onChange={(e) => update({ ...built, join: e.currentTarget.value as 'and' | 'or' })}
        >
          <option value="and">all of these hold</option>
          <option value="or">any of these holds</option>
        </select>
      </div>
      {built.clauses.length === 0 && (
        <p class="muted">
          <small>No conditions: this rule always matches.</small>
        </p>
      )}
      {built.clauses.map((clause, index) => {
        const isCustom = clause.path.startsWith('custom.');
        const operator = OPERATORS.find((o) => o.id === clause.operator);
        const rowLabel = `condition ${index + 1}`;
        const unit = unitOf(clause.path);
        const reading = unit?.read(clause.value) ?? null;
        return (
          <div class={isCustom ? 'clause clause-custom' : 'clause'} key={index}>
            <select
              aria-label={`Field of ${rowLabel}`}
              value={isCustom ? 'custom' : clause.path}
              onChange={(e) => {
                const field = e.currentTarget.value;
                setClause(index, { ...clause, path: field === 'custom' ? 'custom.' : field });
              }}
            >
              <option value="custom">custom attribute…</option>
              {fields.map((name) => (
                <option value={name} title={props.variables[name]}>
                  {name}
                </option>
              ))}
            </select>
            {isCustom && (
              <input
                aria-label={`Custom attribute name of ${rowLabel}`}
                placeholder="amount"
                value={clause.path.slice('custom.'.length)}
                onInput={(e) =>
                  setClause(index, { ...clause, path: `custom.${e.currentTarget.value}` })
                }
              />
            )}
            <select
              aria-label={`Operator of ${rowLabel}`}
              value={clause.operator}
              onChange={(e) =>
                setClause(index, { ...clause, operator: e.currentTarget.value as OperatorId })
              }
            >
              {OPERATORS.map((o) => (
                <option value={o.id}>{o.label}</option>
              ))}
            </select>
            {operator?.needsValue ? (
              <div class="clause-value">
                <input
                  aria-label={`Value of ${rowLabel}`}
                  aria-describedby={unit ? `${id}-unit-${index}` : undefined}
                  placeholder="value"
                  value={clause.value}
                  onInput={(e) => setClause(index, { ...clause, value: e.currentTarget.value })}
                />
                {unit && (
                  <small class="unit" id={`${id}-unit-${index}`}>
                    {unit.name}
                    {reading && <span class="muted"> {reading}</span>}
                  </small>
                )}
              </div>
            ) : (
              <span />
            )}
            <button
              type="button"
              class="secondary outline small"
              aria-label={`Remove ${rowLabel}`}
              onClick={() =>
                update({ ...built, clauses: built.clauses.filter((_, i) => i !== index) })
              }
            >
              ✕
            </button>
          </div>
        );
      })}
      <button
        type="button"
        class="secondary small"
        onClick={() =>
          update({
            ...built,
            clauses: [...built.clauses, { path: 'custom.amount', operator: '>', value: '1000' }],
          })
        }
      >
        + Add condition
      </button>
    </fieldset>
  );
}

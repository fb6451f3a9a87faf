import type { ActionConfig, ActionRule } from './action-config.ts';
import { RULE_OUTCOMES, type RuleOutcome } from './action-states.ts';
import { RULE_BOUNDS } from './rule-operators.ts';
import type { RuleContext } from './rule-variables.ts';
import { evaluateCondition } from './rules-engine.ts';

/** A rule whose condition could not be evaluated, and why. */
export interface FailedRule {
  ruleId: string;
  name: string;
  message: string;
  /** True when the condition went past one of the evaluation bounds (steps, sizes, depth). */
  bound: boolean;
}

/** What the rules decided for one tracked action. */
export interface RulesDecision {
  outcome: RuleOutcome;
  /** The active rules whose condition held, lowest priority number first. */
  fired: ActionRule[];
  /** Active rules whose condition could not be evaluated. */
  failed: FailedRule[];
  /** True when a failed rule made the outcome stricter than the rules that held would have. */
  ruleErrorApplied: boolean;
}

/** The outcomes by strictness, most lenient first (the order of {@link RULE_OUTCOMES}). */
function strictness(outcome: RuleOutcome): number {
  return RULE_OUTCOMES.indexOf(outcome);
}

/**
 * Evaluates every active rule against the context. Of the rules that match, the lowest priority
 * number decides (ties: the first in the configuration); where none matches, the default outcome
 * applies. A rule that cannot be evaluated (it throws, meets an operand of the wrong type, or
 * exceeds a bound) must not let the action through as if it did not match, since a BLOCK rule
 * would then silently allow: the outcome is at least `onRuleError` (the app's policy).
 *
 * @example
 * evaluateRules(config, context, 'CHALLENGE').outcome // 'CHALLENGE'
 */
export function evaluateRules(
  config: ActionConfig,
  context: RuleContext,
  onRuleError: RuleOutcome,
): RulesDecision {
  const fired: ActionRule[] = [];
  const failed: FailedRule[] = [];
  let remaining: number = RULE_BOUNDS.stepsPerTrack;
  for (const rule of config.rules) {
    if (!rule.isActive) continue;
    const result = evaluateCondition(rule.conditions, context, remaining);
    remaining = Math.max(0, remaining - result.steps);
    if (!result.ok) {
      failed.push({
        ruleId: rule.ruleId,
        name: rule.name,
        message: result.message,
        bound: result.bound,
      });
    } else if (result.matches) {
      fired.push(rule);
    }
  }
  // A stable sort keeps configuration order among equal priorities.
  fired.sort((a, b) => a.priority - b.priority);
  const decided = fired[0]?.outcome ?? config.defaultOutcome;
  const ruleErrorApplied = failed.length > 0 && strictness(onRuleError) > strictness(decided);
  return { outcome: ruleErrorApplied ? onRuleError : decided, fired, failed, ruleErrorApplied };
}

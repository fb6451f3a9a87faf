import type { ActionConfig, ActionRule } from './action-config.ts';
import type { RuleOutcome } from './action-states.ts';
import type { RuleContext } from './rule-variables.ts';
import { rulesEngine } from './rules-engine.ts';

/** What the rules decided for one tracked action. */
export interface RulesDecision {
  outcome: RuleOutcome;
  /** The active rules whose condition held, lowest priority number first. */
  fired: ActionRule[];
  /** Rules whose condition could not be evaluated; they count as not matching. */
  failed: Array<{ ruleId: string; message: string }>;
}

/**
 * Evaluates every active rule against the context. Of the rules that match, the lowest priority
 * number decides (ties: the first in the configuration); where none matches, the default outcome
 * applies. A condition that throws does not match: a broken rule must not block every action, and
 * it is reported in `failed` for the audit log.
 *
 * @example
 * evaluateRules(config, context).outcome // 'CHALLENGE'
 */
export function evaluateRules(config: ActionConfig, context: RuleContext): RulesDecision {
  const fired: ActionRule[] = [];
  const failed: RulesDecision['failed'] = [];
  for (const rule of config.rules) {
    if (!rule.isActive) continue;
    try {
      if (rulesEngine.truthy(rulesEngine.run(rule.conditions, context))) fired.push(rule);
    } catch (error) {
      failed.push({
        ruleId: rule.ruleId,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  // A stable sort keeps configuration order among equal priorities.
  fired.sort((a, b) => a.priority - b.priority);
  return { outcome: fired[0]?.outcome ?? config.defaultOutcome, fired, failed };
}

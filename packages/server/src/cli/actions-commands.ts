import { readFile } from 'node:fs/promises';
import {
  type ActionConfigRecord,
  getActionConfig,
  LatchkeyError,
  listActionConfigs,
  type RequestContext,
  type Runtime,
  setActionConfig,
} from '@latchkey/core';
import type { Command } from 'commander';
import { actionConfigJson } from '../surfaces/actions/presenters.ts';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

function human(config: ActionConfigRecord): string {
  const lines = [
    `${config.actionCode}  (version ${config.version})  default ${config.defaultOutcome}`,
    ...config.rules.map(
      (r) =>
        `  ${String(r.priority).padStart(2)}  ${r.outcome.padEnd(9)} ${r.ruleId}${r.isActive ? '' : ' (inactive)'}  ${JSON.stringify(r.conditions)}`,
    ),
  ];
  return lines.join('\n');
}

async function readRulesFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LatchkeyError('invalid_request', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LatchkeyError(
      'invalid_request',
      `${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** `latchkey actions set|get|list`: an app's rules per action code. */
export function addActionsCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const actions = program.command('actions').description("manage an app's action rules");

  actions
    .command('set')
    .description("set an action code's default outcome and rules from a JSON file")
    .requiredOption('--app <id>', 'app id')
    .requiredOption('--action <code>', 'action code, e.g. high-value-transfer')
    .requiredOption('--file <path>', 'rules file: {"defaultOutcome": …, "rules": […]}')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const input = await readRulesFile(options.file);
      await withRuntime(options.db, async (runtime) => {
        const config = await setActionConfig(
          runtime,
          { appId: options.app, actionCode: options.action, config: input },
          context,
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify(actionConfigJson(config), null, 2)}\n`
            : `set ${config.actionCode} (version ${config.version}): the next track uses it\n${human(config)}\n`,
        );
      });
    });

  actions
    .command('get')
    .description("show an action code's rules")
    .requiredOption('--app <id>', 'app id')
    .requiredOption('--action <code>', 'action code')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const config = await getActionConfig(runtime, {
          appId: options.app,
          actionCode: options.action,
        });
        if (!config) {
          throw new LatchkeyError(
            'action_not_found',
            `no rules set for ${options.action}: it allows every action`,
          );
        }
        process.stdout.write(
          options.json
            ? `${JSON.stringify(actionConfigJson(config), null, 2)}\n`
            : `${human(config)}\n`,
        );
      });
    });

  actions
    .command('list')
    .description("list an app's action codes with rules")
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .option('--json', 'print a JSON array')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const list = await listActionConfigs(runtime, { appId: options.app });
        process.stdout.write(
          options.json
            ? `${JSON.stringify(list.map(actionConfigJson), null, 2)}\n`
            : `${list.map(human).join('\n') || 'no action rules yet: latchkey actions set --app APP --action CODE --file rules.json'}\n`,
        );
      });
    });
}

import {
  createWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type RequestContext,
  type Runtime,
  redeliverWebhook,
  removeWebhookEndpoint,
  rotateWebhookSecret,
  WEBHOOK_DELIVERY_STATES,
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveryState,
} from '@latchkey/core';
import { type Command, Option } from 'commander';
import { webhookSettings } from '../config.ts';
import { presentDelivery, presentEndpoint } from '../surfaces/admin/webhook-presenters.ts';
import { webhookNetworkPolicy } from '../webhooks/webhook-sender.ts';

type WithRuntime = <T>(db: string | undefined, run: (runtime: Runtime) => Promise<T>) => Promise<T>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function write(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

/** `latchkey webhooks add|list|remove|deliveries|redeliver|rotate-secret`. */
export function addWebhooksCommands(
  program: Command,
  withRuntime: WithRuntime,
  context: RequestContext,
): void {
  const webhooks = program
    .command('webhooks')
    .description("manage an app's webhook endpoints and their deliveries");

  webhooks
    .command('add')
    .description('add an endpoint; its signing secret is shown once')
    .requiredOption('--app <id>', 'app id')
    .requiredOption('--url <url>', 'where deliveries are POSTed (https)')
    .addOption(
      new Option('--event <type>', 'an event to deliver (repeat it); none: all')
        .choices([...WEBHOOK_EVENT_TYPES])
        .argParser(collect),
    )
    .option('--description <text>', 'what the endpoint is for')
    .option('--disabled', 'add it turned off')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const network = webhookNetworkPolicy(webhookSettings().allowPrivateNetworks);
      await withRuntime(options.db, async (runtime) => {
        const { endpoint, secret } = await createWebhookEndpoint(
          runtime,
          {
            appId: options.app,
            url: options.url,
            ...(options.event ? { events: options.event } : {}),
            ...(options.description ? { description: options.description } : {}),
            ...(options.disabled ? { enabled: false } : {}),
          },
          network,
          context,
        );
        write(
          options.json,
          { endpoint: presentEndpoint(endpoint), secret },
          `endpoint_id: ${endpoint.id}\nurl:         ${endpoint.url}\nevents:      ${endpoint.events.join(', ')}\nsecret:      ${secret}\n\nThe secret is shown only now; receivers verify signatures with it.`,
        );
      });
    });

  webhooks
    .command('list')
    .description("list an app's endpoints (never their secrets)")
    .requiredOption('--app <id>', 'app id')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const endpoints = (await listWebhookEndpoints(runtime, options.app)).map(presentEndpoint);
        const human = endpoints.map((e) =>
          [e.id, e.url, e.enabled ? 'enabled' : 'disabled', e.events.join(',')].join('  '),
        );
        write(options.json, endpoints, human.join('\n') || 'no webhook endpoints');
      });
    });

  webhooks
    .command('remove')
    .description('remove an endpoint and its deliveries')
    .requiredOption('--app <id>', 'app id')
    .argument('<endpoint-id>', 'endpoint id')
    .option('--db <url>', 'database URL')
    .action(async (endpointId: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        await removeWebhookEndpoint(runtime, { appId: options.app, endpointId }, context);
        process.stdout.write(`removed ${endpointId}\n`);
      });
    });

  webhooks
    .command('deliveries')
    .description("list an app's recent deliveries, newest first")
    .requiredOption('--app <id>', 'app id')
    .option('--endpoint <id>', 'only this endpoint’s')
    .addOption(
      new Option('--state <state>', 'only in this state').choices([...WEBHOOK_DELIVERY_STATES]),
    )
    .option('--limit <n>', 'how many (at most 200)', '50')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await withRuntime(options.db, async (runtime) => {
        const list = await listWebhookDeliveries(runtime, {
          appId: options.app,
          ...(options.endpoint ? { endpointId: options.endpoint } : {}),
          ...(options.state ? { state: options.state as WebhookDeliveryState } : {}),
          limit: Math.max(1, Number.parseInt(options.limit, 10) || 50),
        });
        const rows = list.map(presentDelivery);
        const human = rows.map((d) =>
          [
            d.id,
            d.event_type,
            d.state,
            `attempts ${d.attempts}`,
            d.last_status === null ? (d.last_error ?? '') : `last ${d.last_status}`,
          ].join('  '),
        );
        write(options.json, rows, human.join('\n') || 'no deliveries');
      });
    });

  webhooks
    .command('redeliver')
    .description('send a delivery again (same webhook-id), whatever its state')
    .requiredOption('--app <id>', 'app id')
    .argument('<delivery-id>', 'delivery id')
    .option('--db <url>', 'database URL')
    .action(async (deliveryId: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        await redeliverWebhook(runtime, { appId: options.app, deliveryId }, context);
        process.stdout.write(
          `queued ${deliveryId} again; a running server sends it within a poll interval\n`,
        );
      });
    });

  webhooks
    .command('rotate-secret')
    .description('give an endpoint a new secret; the old one keeps signing for the overlap')
    .requiredOption('--app <id>', 'app id')
    .argument('<endpoint-id>', 'endpoint id')
    .option('--overlap <seconds>', 'how long the old secret still signs (default one day)')
    .option('--db <url>', 'database URL')
    .option('--json', 'print JSON')
    .action(async (endpointId: string, options) => {
      await withRuntime(options.db, async (runtime) => {
        const overlap = options.overlap === undefined ? undefined : Number(options.overlap);
        const { endpoint, secret } = await rotateWebhookSecret(
          runtime,
          {
            appId: options.app,
            endpointId,
            ...(overlap === undefined ? {} : { overlapMs: overlap * 1000 }),
          },
          context,
        );
        const until = endpoint.previousSecretExpiresAt;
        write(
          options.json,
          { endpoint: presentEndpoint(endpoint), secret },
          `secret: ${secret}\n\nThe secret is shown only now. ${until === null ? 'The old secret no longer signs.' : `The old secret also signs until ${new Date(until).toISOString()}.`}`,
        );
      });
    });
}

export { BODY_LIMIT_BYTES, type BuildServerOptions, buildServer } from './app.ts';
export { WEBHOOK_DEFAULTS, type WebhookSettings, webhookSettings } from './config.ts';
export { FLEX_ERROR_CODES, FLEX_ERRORS } from './surfaces/flex/flex-errors.ts';
export { createWebhookSender, webhookNetworkPolicy } from './webhooks/webhook-sender.ts';
export { startWebhookWorker, type WebhookWorker } from './webhooks/webhook-worker.ts';

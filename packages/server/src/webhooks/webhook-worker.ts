/**
 * The webhook delivery worker: one per server instance, polling the outbox. Instances on one
 * database share the work through leases (see `runWebhookDeliveries`), so none sends an attempt
 * another is sending.
 */
import { randomUUID } from 'node:crypto';
import { type Runtime, runWebhookDeliveries, type WebhookSender } from '@latchkey/core';
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookSettings } from '../config.ts';

/** A running worker. */
export interface WebhookWorker {
  /** Runs one round now (what each tick does); resolves with how many deliveries it took. */
  tick(): Promise<number>;
  /** Stops polling and waits for the round in flight. */
  stop(): Promise<void>;
}

/**
 * @example
 * const worker = startWebhookWorker({ runtime, settings: webhookSettings(), send, log: app.log });
 * await worker.stop();
 */
export function startWebhookWorker(options: {
  runtime: Runtime;
  settings: WebhookSettings;
  send: WebhookSender;
  log: FastifyBaseLogger;
}): WebhookWorker {
  const { settings } = options;
  const owner = `${process.pid}-${randomUUID()}`;
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const tick = (): Promise<number> => {
    running ??= runWebhookDeliveries(options.runtime, {
      owner,
      timeoutMs: settings.timeoutMs,
      batchSize: settings.batchSize,
      maxAttempts: settings.maxAttempts,
      backoffMs: settings.backoffMs,
      maxBackoffMs: settings.maxBackoffMs,
      send: options.send,
    })
      .catch((error: unknown) => {
        // A database hiccup must not stop delivering; the next tick tries again.
        options.log.warn({ err: error }, 'webhook delivery round failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      // A full batch suggests more is due: go on at once instead of waiting a whole interval.
      void tick().then((taken) => schedule(taken >= settings.batchSize ? 0 : settings.pollMs));
    }, delay);
    timer.unref();
  };
  schedule(settings.pollMs);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

import type { Runtime } from './runtime.ts';

/** Whether the database answers, for the readiness probe. The store's ping never throws. */
export async function storeAnswers(runtime: Runtime): Promise<boolean> {
  return runtime.store.ping();
}

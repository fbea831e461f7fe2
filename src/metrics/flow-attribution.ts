import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `work` as the named flow's handler: metrics recorded inside it (database queries) carry the flow. */
export function asFlow<T>(flow: string, work: () => T): T {
  return current.run(flow, work);
}

/** The flow whose handler is running, or `-` outside any flow handler. */
export const currentFlow = (): string => current.getStore() ?? '-';

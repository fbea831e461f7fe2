/**
 * `operation`'s result, or a rejection with `message` once `ms` have passed; the timer never
 * outlives the call. The operation itself goes on: callers make sure finishing late is harmless.
 */
export function withTimeout<T>(operation: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

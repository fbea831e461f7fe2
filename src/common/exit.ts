/**
 * Ends the process with `code`. Not `process.exit()` at once: Node's exit can deadlock forever when a
 * background JIT compile is waiting for a garbage collection at that moment (nodejs/node#54918; seen
 * here as a configuration error that printed its line and never exited, about 1 run in 15 on Node 24).
 * The event loop is left to end by itself; if open handles (a pool, a keep-alive socket) hold it,
 * `process.exit()` follows after a short idle pause, when no compile is in flight any more.
 */
export function exitWith(code: number, graceMs = 250): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}

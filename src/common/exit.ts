/**
 * Ends the process with `code`. Not `process.exit()` at once: Node's exit can deadlock forever when a
 * background JIT compile is waiting for a garbage collection at that moment (nodejs/node#54918; seen
 * here as a configuration error that printed its line and never exited, about 1 run in 15 on Node 24).
 * The event loop is left to end by itself; if open handles (a pool, a keep-alive socket) hold it,
 * `process.exit()` follows after a short idle pause (a compile job takes milliseconds), when none is in
 * flight any more. Kept short: every CLI command that called an HTTP API waits it out.
 */
export function exitWith(code: number, graceMs = 50): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}

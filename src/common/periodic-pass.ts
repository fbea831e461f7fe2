import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * Work a process does on a timer (retention passes): one pass at a time (a call while one runs gets
 * that one), the timer never holds the process open, and shutdown waits for the pass in flight.
 * `pass()` reports its own failures; it must not throw.
 */
export abstract class PeriodicPass implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  protected constructor(private readonly schedule: { everyMs: number; atBoot: boolean }) {}

  protected abstract pass(): Promise<void>;

  onApplicationBootstrap(): void {
    if (this.schedule.atBoot) void this.runPass();
    this.timer = setInterval(() => void this.runPass(), this.schedule.everyMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now, or the one already running. */
  protected runPass(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }
}

export const BUDGET_EXCEEDED = Symbol('budget exceeded');

/**
 * The time a data request may take before the user is answered "please try again". Work still
 * running when it ends is answered for: it must not commit afterwards. A commit already under way
 * when it ends is waited for (bounded by the database's query timeout) rather than answered "try
 * again" while it may still succeed.
 */
export class ResponseBudget {
  private state: 'running' | 'committing' | 'spent' = 'running';
  private readonly spending = new AbortController();
  /** Aborted when the budget ends before a commit began: the work is abandoned. */
  readonly signal = this.spending.signal;
  private readonly started = performance.now();

  constructor(readonly ms: number) {}

  /** Milliseconds left before the budget ends (0 once spent). */
  remainingMs(): number {
    return Math.max(0, Math.round(this.ms - (performance.now() - this.started)));
  }

  /** Called right before a commit: true, and the answer now waits for it, unless the budget is spent. */
  claimCommit(): boolean {
    if (this.state === 'spent') return false;
    this.state = 'committing';
    return true;
  }

  /** `work`'s result, or BUDGET_EXCEEDED when the budget ends first. */
  async race<T>(work: Promise<T>): Promise<T | typeof BUDGET_EXCEEDED> {
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<typeof BUDGET_EXCEEDED>((resolve) => {
      timer = setTimeout(() => {
        if (this.state !== 'running') return;
        this.state = 'spent';
        this.spending.abort();
        resolve(BUDGET_EXCEEDED);
      }, this.ms);
    });
    try {
      return await Promise.race([work, spent]);
    } finally {
      clearTimeout(timer);
    }
  }
}

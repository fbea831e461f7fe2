import type { FlowSessionEntity } from './flow-session.entity.js';

export type SessionState = Record<string, unknown>;

/** The columns of a session that FlowSessions reads, as a query returns them. */
export type FlowSessionRow = Pick<FlowSessionEntity, 'token' | 'flow' | 'tenant' | 'phone' | 'userId' | 'status' | 'state' | 'screens' | 'expiresAt'>;

/**
 * A handler's view of its flow-token session. The row is locked for the whole request (or the whole
 * completion), so `state` is current and changes made here are saved with that transaction's
 * commit: concurrent requests on one token apply one after another, and a request that fails or
 * runs past its budget changes nothing.
 */
export class FlowSession {
  private current: SessionState;
  private changed = false;

  constructor(private readonly row: FlowSessionRow) {
    this.current = row.state ?? {};
  }

  get token(): string {
    return this.row.token;
  }
  get flow(): string {
    return this.row.flow;
  }
  /** The tenant the token belongs to; null in the single-tenant configuration. */
  get tenant(): string | null {
    return this.row.tenant ?? null;
  }
  /** The E.164 phone number the token was issued to (or its completion came from), if known. Personal data: never log it. */
  get phone(): string | null {
    return this.row.phone;
  }
  /** The business-scoped user id (or parent one) the token was issued to (or its completion came from), if known. Never log it. */
  get userId(): string | null {
    return this.row.userId ?? null;
  }
  get state(): Readonly<SessionState> {
    return this.current;
  }

  /** The data last sent for `screen` in this session, if any. */
  screenData(screen: string): Record<string, unknown> | undefined {
    return this.row.screens?.[screen];
  }

  /** Merges `patch` into the state. */
  async set(patch: SessionState): Promise<SessionState> {
    return this.update((state) => ({ ...state, ...patch }));
  }

  /** Read-modify-write of the state; the row lock makes it atomic against concurrent requests on the token. */
  async update(change: (state: SessionState) => SessionState): Promise<SessionState> {
    this.current = change({ ...this.current });
    this.changed = true;
    return this.current;
  }

  /** The state to save, when a handler changed it (read by FlowSessions before the commit). */
  changedState(): SessionState | undefined {
    return this.changed ? this.current : undefined;
  }
}

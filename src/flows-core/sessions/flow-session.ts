import type { FlowSessionEntity } from './flow-session.entity.js';

export type SessionState = Record<string, unknown>;

/** Persists state changes; implemented by FlowSessions. */
export interface SessionStore {
  updateState(token: string, change: (state: SessionState) => SessionState): Promise<SessionState>;
}

/**
 * A handler's view of its flow-token session. `state` is what was stored when the request arrived;
 * `update` applies a change atomically (concurrent requests on one token never lose an update).
 */
export class FlowSession {
  private current: SessionState;

  constructor(
    private readonly row: Pick<FlowSessionEntity, 'token' | 'flow' | 'phone' | 'state' | 'screens'>,
    private readonly store: SessionStore,
  ) {
    this.current = row.state ?? {};
  }

  get token(): string {
    return this.row.token;
  }
  get flow(): string {
    return this.row.flow;
  }
  get phone(): string | null {
    return this.row.phone;
  }
  get state(): Readonly<SessionState> {
    return this.current;
  }

  /** The data last sent for `screen` in this session, if any. */
  screenData(screen: string): Record<string, unknown> | undefined {
    return this.row.screens?.[screen];
  }

  /** Merges `patch` into the stored state. */
  async set(patch: SessionState): Promise<SessionState> {
    return this.update((state) => ({ ...state, ...patch }));
  }

  /** Read-modify-write of the stored state, atomic against concurrent requests on the same token. */
  async update(change: (state: SessionState) => SessionState): Promise<SessionState> {
    this.current = await this.store.updateState(this.row.token, change);
    return this.current;
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { asStoredJson, toJsonb } from '../../database/jsonb.js';
import { FlowTokenRejectedError } from '../flow-errors.js';
import { flowsConfig } from '../flows.config.js';
import { FlowSession, type SessionState, type SessionStore } from './flow-session.js';
import { FlowSessionEntity } from './flow-session.entity.js';

const MAX_TOKEN_LENGTH = 512;
// Tokens are printable; control characters (U+0000 cannot even be stored) mark a forged or broken one.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const TOKEN_MESSAGES = {
  invalid: 'This link is not valid. Please ask us for a new one.',
  completed: 'You have already completed this. Please ask us for a new link if you need to start again.',
  expired: 'This link has expired. Please ask us for a new one.',
} as const;

const OPENED_COLUMNS = 'token, flow, phone, status, state, screens, expires_at AS "expiresAt"';
type OpenedSession = Pick<FlowSessionEntity, 'token' | 'flow' | 'phone' | 'status' | 'state' | 'screens' | 'expiresAt'>;

// TypeORM's deep-partial typing does not accept an open record for a jsonb column.
const jsonb = (value: SessionState) => asStoredJson(value) as QueryDeepPartialEntity<SessionState>;

/** Flow-token sessions in Postgres: issuing tokens, opening sessions per the flow's policy, state. */
@Injectable()
export class FlowSessions implements SessionStore {
  constructor(
    @InjectRepository(FlowSessionEntity) private readonly sessions: Repository<FlowSessionEntity>,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
  ) {}

  /** Issues an unpredictable token (256 bits) bound to `flow` and `phone`. */
  async issue(flow: string, options: { phone?: string; expiresInS?: number; state?: SessionState } = {}) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + (options.expiresInS ?? this.config.sessionTtlS) * 1000);
    await this.sessions.insert({
      token,
      flow,
      phone: options.phone ?? null,
      issued: true,
      expiresAt,
      state: jsonb(options.state ?? {}),
    });
    return { token, expiresAt };
  }

  /**
   * The session for a request, or a 427 answer: unknown tokens (policy `issued`), tokens of another
   * flow, completed and expired sessions are rejected; policy `any` opens a session on first sight.
   */
  async open(flow: string, token: string | undefined, policy: 'issued' | 'any'): Promise<FlowSession> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || CONTROL_CHARACTER.test(token)) {
      throw new FlowTokenRejectedError(TOKEN_MESSAGES.invalid);
    }
    // One statement on the hot path (every data request): the row, opened first if the policy allows.
    let [row]: Array<OpenedSession | undefined> = await this.sessions.query(
      policy === 'any'
        ? `WITH opened AS (
             INSERT INTO flow_sessions (token, flow, issued, expires_at) VALUES ($1, $2, false, now() + make_interval(secs => $3))
             ON CONFLICT (token) DO NOTHING
             RETURNING ${OPENED_COLUMNS})
           SELECT * FROM opened UNION ALL SELECT ${OPENED_COLUMNS} FROM flow_sessions WHERE token = $1 LIMIT 1`
        : `SELECT ${OPENED_COLUMNS} FROM flow_sessions WHERE token = $1`,
      policy === 'any' ? [token, flow, this.config.sessionTtlS] : [token],
    );
    if (!row && policy === 'any') {
      // A concurrent first request inserted it after this statement's snapshot: read it again.
      [row] = await this.sessions.query(`SELECT ${OPENED_COLUMNS} FROM flow_sessions WHERE token = $1`, [token]);
    }
    if (!row || row.flow !== flow) throw new FlowTokenRejectedError(TOKEN_MESSAGES.invalid);
    if (row.status === 'completed') throw new FlowTokenRejectedError(TOKEN_MESSAGES.completed);
    if (row.status === 'expired' || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) {
      if (row.status !== 'expired') await this.sessions.update({ token, status: 'active' }, { status: 'expired' });
      throw new FlowTokenRejectedError(TOKEN_MESSAGES.expired);
    }
    return new FlowSession(row, this);
  }

  /** Marks a session completed; later requests with its token get 427. Idempotent. */
  async complete(token: string): Promise<void> {
    await this.sessions
      .createQueryBuilder()
      .update()
      .set({ status: 'completed', completedAt: () => 'now()' })
      .where('token = :token AND status <> :status', { token, status: 'completed' })
      .execute();
  }

  /** Remembers the data sent for `screen`, for error answers on that screen later. */
  async rememberScreen(token: string, screen: string, data: Record<string, unknown>): Promise<void> {
    await this.sessions.query(
      `UPDATE flow_sessions SET screens = screens || jsonb_build_object($2::text, $3::jsonb) WHERE token = $1`,
      [token, screen, toJsonb(data)],
    );
  }

  async find(token: string): Promise<FlowSessionEntity | null> {
    return this.sessions.findOneBy({ token });
  }

  /** Read-modify-write under a row lock: concurrent requests on one token apply one after another. */
  async updateState(token: string, change: (state: SessionState) => SessionState): Promise<SessionState> {
    return this.sessions.manager.transaction(async (manager) => {
      const row = await manager.findOneOrFail(FlowSessionEntity, {
        where: { token },
        lock: { mode: 'pessimistic_write' },
      });
      const next = change({ ...row.state });
      await manager.update(FlowSessionEntity, { token }, { state: jsonb(next), version: () => 'version + 1' });
      return next;
    });
  }
}

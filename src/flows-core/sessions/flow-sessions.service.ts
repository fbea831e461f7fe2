import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager, type QueryRunner } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { asStoredJson, toJsonb } from '../../database/jsonb.js';
import { FlowTokenRejectedError } from '../flow-errors.js';
import { flowsConfig } from '../flows.config.js';
import { FlowSession, type FlowSessionRow, type SessionState } from './flow-session.js';
import { FlowSessionEntity } from './flow-session.entity.js';

const MAX_TOKEN_LENGTH = 512;
// Tokens are printable; control characters (U+0000 cannot even be stored) mark a forged or broken one.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const TOKEN_MESSAGES = {
  invalid: 'This link is not valid. Please ask us for a new one.',
  completed: 'You have already completed this. Please ask us for a new link if you need to start again.',
  expired: 'This link has expired. Please ask us for a new one.',
} as const;

const ROW_COLUMNS = 'token, flow, phone, status, state, screens, expires_at AS "expiresAt"';
const LOCK_ROW = `SELECT ${ROW_COLUMNS} FROM flow_sessions WHERE token = $1 FOR UPDATE`;
const OPENED_SAVEPOINT = 'flow_session_opened';

// TypeORM's deep-partial typing does not accept an open record for a jsonb column.
const jsonb = (value: SessionState) => asStoredJson(value) as QueryDeepPartialEntity<SessionState>;

/** How a request's work on its session ends. */
export type SessionEnd<T> =
  /** Nothing it did is kept (a contract violation, an answer that must not count). */
  | { value: T; end: 'rollback' }
  /** The flow is completed: later requests with the token get 427. */
  | { value: T; end: 'complete' }
  /** The session stays open; `screen` is the data just sent for a screen, remembered for error answers. */
  | { value: T; end: 'keep'; screen?: { id: string; data: Record<string, unknown> } };

export interface SessionRunOptions {
  /**
   * Aborted when the answer went out without this work: its connection is closed at once (the
   * database rolls the transaction back, and a late query of the handler fails instead of running
   * outside it), which also frees the embedded database for the others.
   */
  signal?: AbortSignal;
  /** Asked right before the commit; `false` rolls back. Once it said yes, the work is not aborted. */
  mayCommit?: () => boolean;
}

/** The driver's way to hand a connection back broken, so the pool closes it instead of reusing it. */
type ClosableRunner = { releasePostgresConnection(error: Error): Promise<void> };

/**
 * Flow-token sessions in Postgres, and the only writer of `flow_sessions`: issuing tokens, opening
 * sessions per the flow's policy, state, completion, expiry and the outbound message id.
 */
@Injectable()
export class FlowSessions {
  constructor(
    @InjectRepository(FlowSessionEntity) private readonly sessions: Repository<FlowSessionEntity>,
    @InjectDataSource() private readonly db: DataSource,
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

  /** Retires an open token (e.g. one whose message was never delivered). */
  async expire(token: string): Promise<void> {
    await this.sessions.update({ token, status: 'active' }, { status: 'expired' });
  }

  /** Records the id of the message that carried the token. */
  async recordOutboundMessage(token: string, messageId: string | null): Promise<void> {
    await this.sessions.update({ token }, { outboundMessageId: messageId });
  }

  async find(token: string): Promise<FlowSessionEntity | null> {
    return this.sessions.findOneBy({ token });
  }

  /**
   * Runs a data request's work in one transaction that holds its session row locked from the first
   * statement to the commit, so requests on one token run one after another and at most one
   * completes it. The session is rejected (427) when unknown (policy `issued`), of another flow,
   * completed or expired; policy `any` opens it on first sight. Whatever `work` writes through the
   * manager commits together with the session's end, or not at all (it throws, it ends in
   * `rollback`, `mayCommit` says no).
   */
  async withSession<T>(
    flow: string,
    token: string | undefined,
    policy: 'issued' | 'any',
    work: (session: FlowSession, manager: EntityManager) => Promise<SessionEnd<T>>,
    options: SessionRunOptions = {},
  ): Promise<T> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || CONTROL_CHARACTER.test(token)) {
      throw new FlowTokenRejectedError(TOKEN_MESSAGES.invalid);
    }
    const runner = this.db.createQueryRunner();
    const { signal } = options;
    let connected = false;
    const close = () => (runner as unknown as ClosableRunner).releasePostgresConnection(new Error('abandoned after the response budget'));
    const onAbort = () => void (connected && close());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await runner.connect();
      connected = true;
      if (signal?.aborted) await close();
      await runner.startTransaction();
      const { manager } = runner;
      const { row, opened } = await this.lockForRequest(manager, flow, token, policy);
      const rejection = this.rejection(row, flow);
      if (rejection) {
        if (rejection === TOKEN_MESSAGES.expired && row!.status === 'active') {
          await manager.query(`UPDATE flow_sessions SET status = 'expired' WHERE token = $1`, [token]);
          await runner.commitTransaction();
        }
        throw new FlowTokenRejectedError(rejection);
      }
      // A session opened on first sight stays open whatever the request's work does.
      if (opened) await runner.query(`SAVEPOINT ${OPENED_SAVEPOINT}`);
      const session = new FlowSession(row!);
      let outcome: SessionEnd<T>;
      try {
        outcome = await work(session, manager);
      } catch (error) {
        if (!runner.isReleased) await this.undoWork(runner, opened, options).catch(() => undefined);
        throw error;
      }
      if (signal?.aborted) return outcome.value; // abandoned: its connection is closed, nothing was kept
      if (outcome.end !== 'rollback') {
        await this.save(manager, session, outcome.end === 'complete' ? { complete: true } : { screen: outcome.screen });
      }
      if (outcome.end === 'rollback' || !(options.mayCommit?.() ?? true)) {
        await this.undoWork(runner, opened, options);
        return outcome.value;
      }
      await runner.commitTransaction();
      return outcome.value;
    } catch (error) {
      if (runner.isTransactionActive && !runner.isReleased) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await runner.release();
    }
  }

  /** A completion's session, locked in the caller's transaction; undefined for an unknown token. */
  async lockForCompletion(manager: EntityManager, token: string): Promise<FlowSession | undefined> {
    const [row]: FlowSessionRow[] = await manager.query(LOCK_ROW, [token]);
    return row && new FlowSession(row);
  }

  /** Marks a session completed in the caller's transaction, with what its handler changed. Idempotent. */
  async completeIn(manager: EntityManager, session: FlowSession): Promise<void> {
    await this.save(manager, session, { complete: true });
  }

  /** The session row, locked; opened first when the policy allows (`opened`: by this request). */
  private async lockForRequest(
    manager: EntityManager,
    flow: string,
    token: string,
    policy: 'issued' | 'any',
  ): Promise<{ row: FlowSessionRow | undefined; opened: boolean }> {
    // One statement on the hot path (a session seen before).
    let [row]: Array<FlowSessionRow | undefined> = await manager.query(LOCK_ROW, [token]);
    if (row || policy !== 'any') return { row, opened: false };
    [row] = await manager.query(
      `INSERT INTO flow_sessions (token, flow, issued, expires_at) VALUES ($1, $2, false, now() + make_interval(secs => $3))
       ON CONFLICT (token) DO NOTHING RETURNING ${ROW_COLUMNS}`,
      [token, flow, this.config.sessionTtlS],
    );
    if (row) return { row, opened: true };
    // A concurrent first request inserted it: this insert waited for it to commit, now lock its row.
    [row] = await manager.query(LOCK_ROW, [token]);
    return { row, opened: false };
  }

  /** Rolls the work back; a session this request opened is kept (and committed) unless the work was abandoned. */
  private async undoWork(runner: QueryRunner, opened: boolean, options: SessionRunOptions): Promise<void> {
    if (opened && !options.signal?.aborted) {
      await runner.query(`ROLLBACK TO SAVEPOINT ${OPENED_SAVEPOINT}`);
      await runner.commitTransaction();
    } else {
      await runner.rollbackTransaction();
    }
  }

  private rejection(row: FlowSessionRow | undefined, flow: string): string | undefined {
    if (!row || row.flow !== flow) return TOKEN_MESSAGES.invalid;
    if (row.status === 'completed') return TOKEN_MESSAGES.completed;
    if (row.status === 'expired' || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return TOKEN_MESSAGES.expired;
    return undefined;
  }

  /** One statement (or none) for everything a request or a completion changed in its locked session. */
  private async save(
    manager: EntityManager,
    session: FlowSession,
    change: { complete?: boolean; screen?: { id: string; data: Record<string, unknown> } },
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [session.token];
    const state = session.changedState();
    if (state) {
      params.push(toJsonb(state));
      sets.push(`state = $${params.length}::jsonb`, 'version = version + 1');
    }
    // A screen shown again with the same data (a retry, an error on it) needs no write.
    if (change.screen && !isDeepStrictEqual(session.screenData(change.screen.id), change.screen.data)) {
      params.push(change.screen.id, toJsonb(change.screen.data));
      sets.push(`screens = screens || jsonb_build_object($${params.length - 1}::text, $${params.length}::jsonb)`);
    }
    if (change.complete) sets.push(`status = 'completed'`, 'completed_at = coalesce(completed_at, now())');
    if (sets.length === 0) return;
    await manager.query(`UPDATE flow_sessions SET ${sets.join(', ')}, updated_at = now() WHERE token = $1`, params);
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Pool, QueryConfig } from 'pg';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { databaseConfig } from '../../database/database.config.js';
import { asStoredJson, toJsonb } from '../../database/jsonb.js';
import { FlowReplayRefusedError, FlowTokenRejectedError, ReplayedFlowAnswer } from '../flow-errors.js';
import { flowsConfig } from '../flows.config.js';
import { FlowSession, type FlowSessionRow, type SessionState } from './flow-session.js';
import { FlowSessionEntity } from './flow-session.entity.js';
import { asUserId, normalizePhone, type WhatsAppUser } from './whatsapp-user.js';
import { SessionQueryRunner } from './session-query-runner.js';
import { ANSWER, CLAIMED_KEY, EXPIRE, INSPECT, LOCK, SAVE, SCREEN_DATA } from './session-statements.js';

const MAX_TOKEN_LENGTH = 512;
// Tokens are printable; control characters (U+0000 cannot even be stored) mark a forged or broken one.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const TOKEN_MESSAGES = {
  invalid: 'This link is not valid. Please ask us for a new one.',
  completed: 'You have already completed this. Please ask us for a new link if you need to start again.',
  expired: 'This link has expired. Please ask us for a new one.',
} as const;

const COMPLETION_COLUMNS = 'token, flow, tenant, phone, user_id AS "userId", status, state, screens, expires_at AS "expiresAt"';
const LOCK_ROW = `SELECT ${COMPLETION_COLUMNS} FROM flow_sessions WHERE token = $1 FOR UPDATE`;
// The newest session whose message this is: a message carries one token, a resend records a new one.
const LOCK_BY_MESSAGE = `SELECT ${COMPLETION_COLUMNS} FROM flow_sessions WHERE outbound_message_id = $1 ORDER BY created_at DESC LIMIT 1 FOR UPDATE`;

// TypeORM's deep-partial typing does not accept an open record for a jsonb column.
const jsonb = (value: SessionState) => asStoredJson(value) as QueryDeepPartialEntity<SessionState>;

/** An envelope as FlowSessions records it: the SHA-256 of its AES key and of the rest of it. */
export interface EnvelopeId {
  keyHash: Buffer;
  digest: Buffer;
}

/** What a request's answer does to its session, besides claiming the envelope. */
export type AnswerEnd = { complete: true } | { complete: false; screen?: { id: string; data: Record<string, unknown> } };

/** How a transactional request's work on its session ends. */
export type SessionEnd<T> =
  /** Nothing it did is kept (a contract violation, an answer that must not count); the caller records its own answer. */
  | { value: T; end: 'rollback' }
  /** `body` (the encrypted answer) is the envelope's; the flow is completed: later requests with the token get 427. */
  | { value: T; end: 'complete'; body: string }
  /** `body` is the envelope's; the session stays open; `screen` is the data just sent for a screen, remembered for error answers. */
  | { value: T; end: 'keep'; body: string; screen?: { id: string; data: Record<string, unknown> } };

export interface SessionRunOptions {
  /** The tenant whose endpoint the request came to (null or absent: the single-tenant endpoint). */
  tenant?: string | null;
  /**
   * Aborted when the answer went out without this work: its connection is closed at once (the
   * database rolls the transaction back, and a late query of the handler fails instead of running
   * outside it), which also frees the embedded database for the others.
   */
  signal?: AbortSignal;
  /** Asked right before the save that goes out with the commit; `false` rolls back. Once it said yes, the work is not aborted. */
  mayCommit?: () => boolean;
}

interface LockedRow extends FlowSessionRow {
  opened: boolean;
  priorDigest: Buffer | null;
  priorStatus: number | null;
  priorBody: string | null;
}

interface Inspected {
  digest: Buffer | null;
  claimStatus: number | null;
  body: string | null;
  flow: string | null;
  tenant: string | null;
  status: FlowSessionRow['status'] | null;
  expiresAt: Date | null;
  pastExpiry: boolean | null;
}

/** Whether `error` is SAVE's claim failing on a key claimed before. */
const isClaimedKey = (error: unknown): boolean =>
  (error as { code?: string }).code === CLAIMED_KEY.code && (error as { constraint?: string }).constraint === CLAIMED_KEY.constraint;

/** A statement sent without a name: prepared for this execution only. */
const unnamed = ({ text }: { text: string }): { text: string } => ({ text });

/**
 * Flow-token sessions in Postgres, and the only writer of `flow_sessions` and `flow_envelopes`:
 * issuing tokens, opening sessions per the flow's policy, state, completion, expiry, the outbound
 * message id, and the record of every envelope answered.
 *
 * A data request's session work costs one statement when its handler only reads (`record`), and a
 * transaction holding the session row when its handler writes or keeps state (`withSession`). Either
 * way the envelope's claim commits with the answer it got and with what the request changed: a
 * replay, on any process, gets those bytes again or nothing, never a second plaintext under its key.
 */
@Injectable()
export class FlowSessions implements OnModuleInit {
  private readonly retentionMs: number;
  /**
   * Statements are prepared once per connection by name on Postgres. PGlite (the embedded database,
   * or one served on a port that DATABASE_URL names, as the tests of several processes do on a machine
   * without Postgres) is one backend behind every connection, where a name prepared by one is taken
   * for all: there they go unnamed.
   */
  private statement: (query: { name: string; text: string }) => { name?: string; text: string };

  constructor(
    @InjectRepository(FlowSessionEntity) private readonly sessions: Repository<FlowSessionEntity>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
    @Inject(databaseConfig.KEY) database: ConfigType<typeof databaseConfig>,
  ) {
    this.retentionMs = config.replayRetentionDays * 86_400_000;
    this.statement = database.url ? (query) => query : unnamed;
  }

  async onModuleInit(): Promise<void> {
    if (this.statement === unnamed) return;
    try {
      const [{ version }] = (await this.db.query(`SELECT version() AS version`)) as Array<{ version: string }>;
      if (/\(PGlite /.test(version)) this.statement = unnamed;
    } catch {
      // Not reachable now: the database's own check reports it; a real Postgres is the likely case.
    }
  }

  /** The driver's pool: the statements below gain nothing from TypeORM's query runner. */
  private get pool(): Pool {
    return (this.db.driver as PostgresDriver).master as Pool;
  }

  /**
   * Issues an unpredictable token (256 bits) bound to `flow` and to the person it is for: a phone
   * number, a business-scoped user id, both, or nobody. A completion from anyone else does not
   * complete it. With `tenant`, only that tenant's endpoint accepts it (and only its webhooks complete it).
   */
  async issue(flow: string, options: WhatsAppUser & { expiresInS?: number; state?: SessionState; tenant?: string } = {}) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + (options.expiresInS ?? this.config.sessionTtlS) * 1000);
    const phone = options.phone === undefined ? undefined : normalizePhone(options.phone);
    const userId = options.userId === undefined ? undefined : asUserId(options.userId);
    if (options.phone !== undefined && !phone) throw new Error('phone must be an E.164 phone number');
    if (options.userId !== undefined && !userId) throw new Error('userId must be a business-scoped user id (e.g. US.13491208655302741918)');
    await this.sessions.insert({
      token,
      flow,
      tenant: options.tenant ?? null,
      phone: phone ?? null,
      userId: userId ?? null,
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

  /** 427 for a token that cannot name a session (missing, too long, control characters). */
  assertTokenShape(token: string | undefined): asserts token is string {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || CONTROL_CHARACTER.test(token)) {
      throw new FlowTokenRejectedError(TOKEN_MESSAGES.invalid);
    }
  }

  /**
   * Records the answer of a request whose handler held no lock, in one statement: the session (opened
   * on first sight under policy `any`) must be valid, the envelope's AES key must not have been used
   * before, and then the envelope is claimed with `body`, and the screen shown (or the completion) is
   * saved, together. Otherwise throws what the request gets instead: 427, or the answer (or refusal)
   * a replay gets.
   */
  async record(
    flow: string,
    token: string,
    policy: 'issued' | 'any',
    envelope: EnvelopeId,
    body: string,
    end: AnswerEnd,
    tenant: string | null = null,
  ): Promise<void> {
    const screen = !end.complete ? end.screen : undefined;
    const values = [
      token,
      flow,
      this.config.sessionTtlS,
      envelope.keyHash,
      envelope.digest,
      screen?.id ?? null,
      screen ? toJsonb(screen.data) : null,
      end.complete,
      body,
      tenant,
    ];
    for (let attempt = 0; ; attempt++) {
      const {
        rows: [result],
      } = await this.pool.query<{ valid: boolean; claimed: boolean }>({ ...this.statement(ANSWER[policy]), values });
      if (result.valid && result.claimed) return;
      // Two first requests on a new token: the other one's insert was not visible yet. Once more.
      const inspected = await this.inspect(envelope, token);
      const same = inspected.flow === flow && inspected.tenant === tenant;
      if (attempt === 0 && !inspected.digest && same && inspected.status === 'active' && !inspected.pastExpiry) continue;
      this.refuse(inspected, envelope, flow, token, tenant);
    }
  }

  /** The data last sent for `screen` in the session, for an error shown on it (a request that held no lock). */
  async screenData(token: string, screen: string): Promise<Record<string, unknown> | undefined> {
    const {
      rows: [row],
    } = await this.pool.query<{ data: Record<string, unknown> | null }>({ ...this.statement(SCREEN_DATA), values: [token, screen] });
    return row?.data ?? undefined;
  }

  /**
   * Runs a data request's work in one transaction that holds its session row locked from the first
   * statement to the commit, so requests on one token run one after another and at most one
   * completes it. The session is rejected (427) when unknown (policy `issued`), of another flow,
   * completed or expired; policy `any` opens it on first sight. An envelope whose AES key was used
   * before gets that first answer (or is refused) without running anything. Whatever `work` writes
   * through the manager commits together with the envelope's claim and the session's end, or not at
   * all (it throws, it ends in `rollback`, `mayCommit` says no): then `recorded` is false and the
   * caller records the answer it gives instead.
   */
  async withSession<T>(
    flow: string,
    token: string,
    policy: 'issued' | 'any',
    envelope: EnvelopeId,
    work: (session: FlowSession, manager: EntityManager) => Promise<SessionEnd<T>>,
    options: SessionRunOptions = {},
  ): Promise<{ value: T; recorded: boolean }> {
    const runner = SessionQueryRunner.create(this.db);
    const { signal } = options;
    let connected = false;
    const close = () => runner.abandon(new Error('abandoned after the response budget'));
    const onAbort = () => void (connected && close());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await runner.connect();
      connected = true;
      if (signal?.aborted) await close();
      const client = runner.client;
      const tenant = options.tenant ?? null;
      const row = await this.lock(runner, flow, token, policy, envelope, tenant);
      if (row?.priorDigest) {
        await runner.rollbackTransaction();
        throw this.replayAnswer(row.priorDigest, row.priorStatus, row.priorBody, envelope);
      }
      const rejection = this.rejection(row, flow, tenant);
      if (rejection) {
        if (rejection === TOKEN_MESSAGES.expired && row!.status === 'active') {
          await client.query({ ...this.statement(EXPIRE), values: [token] });
          await runner.commitTransaction();
        }
        throw new FlowTokenRejectedError(rejection, !this.withinRetention(row!.expiresAt));
      }
      const session = new FlowSession(row!);
      let outcome: SessionEnd<T>;
      try {
        outcome = await work(session, runner.manager);
      } catch (error) {
        if (!runner.isReleased && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      if (signal?.aborted) return { value: outcome.value, recorded: false }; // abandoned: its connection is closed, nothing was kept
      if (outcome.end === 'rollback') {
        await runner.rollbackTransaction();
        return { value: outcome.value, recorded: false };
      }
      if (!(options.mayCommit?.() ?? true)) {
        await runner.rollbackTransaction();
        return { value: outcome.value, recorded: false };
      }
      const state = session.changedState();
      const screen = outcome.end === 'keep' ? outcome.screen : undefined;
      try {
        await runner.commitTransactionAfter({
          ...this.statement(SAVE),
          values: [
            token,
            envelope.keyHash,
            envelope.digest,
            outcome.body,
            state ? toJsonb(state) : null,
            screen?.id ?? null,
            screen ? toJsonb(screen.data) : null,
            outcome.end === 'complete',
          ],
        });
      } catch (error) {
        // The key was claimed under another token (see SAVE): nothing of this request was kept.
        if (isClaimedKey(error)) throw new FlowReplayRefusedError('other_envelope');
        throw error;
      }
      return { value: outcome.value, recorded: true };
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

  /**
   * The session of the flow message with id `messageId` (the `context.id` of its completion), locked
   * in the caller's transaction: how a completion without a flow token (a flow without a data
   * endpoint) finds its session. Undefined when no session recorded that message.
   */
  async lockForCompletionOfMessage(manager: EntityManager, messageId: string): Promise<FlowSession | undefined> {
    const [row]: FlowSessionRow[] = await manager.query(LOCK_BY_MESSAGE, [messageId]);
    return row && new FlowSession(row);
  }

  /**
   * Marks a session completed in the caller's transaction, with what its handler changed. Idempotent.
   * The identifiers the completion came with fill the ones the session lacks (a token opened on first
   * sight learns who used it), so the person's sessions can be found by either later; known ones are
   * never overwritten.
   */
  async completeIn(manager: EntityManager, session: FlowSession, sender: WhatsAppUser = {}): Promise<void> {
    const state = session.changedState();
    await manager.query(
      `UPDATE flow_sessions SET status = 'completed', completed_at = coalesce(completed_at, now()), updated_at = now(),
              state = coalesce($2::jsonb, state), version = version + CASE WHEN $2::jsonb IS NULL THEN 0 ELSE 1 END,
              phone = coalesce(phone, $3), user_id = coalesce(user_id, $4)
        WHERE token = $1`,
      [session.token, state ? toJsonb(state) : null, normalizePhone(sender.phone) ?? null, asUserId(sender.userId) ?? null],
    );
  }

  /** Starts the transaction with the session row locked (opened first under policy `any`), and the envelope's prior claim. */
  private async lock(runner: SessionQueryRunner, flow: string, token: string, policy: 'issued' | 'any', envelope: EnvelopeId, tenant: string | null) {
    const query: QueryConfig = {
      ...this.statement(LOCK[policy]),
      values: [token, flow, this.config.sessionTtlS, envelope.keyHash, this.config.replayWindowS, tenant],
    };
    let {
      rows: [row],
    } = await runner.startTransactionWith<LockedRow>(query);
    // A concurrent first request inserted it: this insert waited for it to commit; a new statement sees and locks it.
    if (!row && policy === 'any') [row] = (await runner.client.query<LockedRow>(query)).rows;
    return row;
  }

  /** Throws what a request whose answer statement did not claim its envelope gets. */
  private refuse(inspected: Inspected, envelope: EnvelopeId, flow: string, token: string, tenant: string | null): never {
    if (inspected.digest) throw this.replayAnswer(inspected.digest, inspected.claimStatus, inspected.body, envelope);
    const rejection = this.rejection(inspected.flow ? inspected : undefined, flow, tenant) ?? TOKEN_MESSAGES.invalid;
    if (rejection === TOKEN_MESSAGES.expired && inspected.status === 'active') {
      void this.pool.query({ ...this.statement(EXPIRE), values: [token] }).catch(() => undefined);
    }
    throw new FlowTokenRejectedError(rejection, Boolean(inspected.expiresAt) && !this.withinRetention(inspected.expiresAt));
  }

  private async inspect(envelope: EnvelopeId, token: string): Promise<Inspected> {
    const {
      rows: [row],
    } = await this.pool.query<Inspected>({ ...this.statement(INSPECT), values: [envelope.keyHash, token, this.config.replayWindowS] });
    return row;
  }

  /**
   * The answer of an envelope whose AES key was claimed before: its first answer byte for byte
   * when the rest of the envelope is the same and the answer is still kept; otherwise a refusal
   * without a body (421: the client takes a fresh key).
   */
  private replayAnswer(digest: Buffer, status: number | null, body: string | null, envelope: EnvelopeId): Error {
    if (!digest.equals(envelope.digest)) return new FlowReplayRefusedError('other_envelope');
    if (body === null || status === null) return new FlowReplayRefusedError('expired');
    return new ReplayedFlowAnswer(status, body);
  }

  /**
   * Whether a session's envelopes are still on record (FLOW_REPLAY_RETENTION_DAYS past its expiry).
   * Past that, a replayed envelope cannot be told from a new one, so its 427 goes without a body:
   * an encrypted one would be a second plaintext under a key that may have carried an answer.
   */
  private withinRetention(expiresAt: Date | null): boolean {
    return !expiresAt || expiresAt.getTime() + this.retentionMs > Date.now();
  }

  /** Why a session cannot serve a request of `flow` on `tenant`'s endpoint (a token of another tenant is invalid there). */
  private rejection(
    row: { flow: string | null; tenant: string | null; status: string | null; expiresAt: Date | null } | undefined,
    flow: string,
    tenant: string | null,
  ): string | undefined {
    if (!row || row.flow !== flow || (row.tenant ?? null) !== tenant) return TOKEN_MESSAGES.invalid;
    if (row.status === 'completed') return TOKEN_MESSAGES.completed;
    if (row.status === 'expired' || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return TOKEN_MESSAGES.expired;
    return undefined;
  }
}

import { hash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FlowEnvelope } from '../crypto/flow-envelope.js';
import { FlowReplayRefusedError, FlowTokenRejectedError, ReplayedFlowAnswer } from '../flow-errors.js';
import { FlowSessions, type AnswerEnd, type EnvelopeId } from '../sessions/flow-sessions.service.js';

/** An answer sent while it could not be recorded (the database did not answer in time, or at all). */
interface HeldAnswer {
  flow: string;
  token: string;
  policy: 'issued' | 'any';
  envelope: EnvelopeId;
  body: string;
  end: AnswerEnd;
  tenant: string | null;
}

/** Answers held at most; beyond that the oldest is dropped (and logged): memory stays bounded in a long outage. */
const MAX_HELD = 10_000;
const RETRY_MS = 1_000;

/** One-shot SHA-256 (no Hash object per call: two of these run for every data request). */
const sha256 = (data: Buffer | string): Buffer => hash('sha256', data, 'buffer');

/**
 * WhatsApp's client wraps a fresh AES key for every request, so a second request with the same key
 * is a replay or a transport retry. Answering it afresh would run the handler again and encrypt a
 * second plaintext under the same key and IV (AES-GCM nonce reuse gives away the XOR of the two). So
 * every answer is recorded with the hash of its key, in the statement that commits the request
 * (FlowSessions), and a replay gets that answer again or a refusal without a body.
 *
 * This process adds two things: a copy that arrives while the first is still being answered here is
 * refused at once (409), and an answer that could not be recorded because the database was down or
 * stalled is held here, answering its replays, and written as soon as the database takes it.
 */
@Injectable()
export class EnvelopeClaims implements OnApplicationShutdown {
  private readonly logger = new Logger(EnvelopeClaims.name);
  private readonly inFlight = new Set<string>();
  private readonly held = new Map<string, HeldAnswer>();
  private retry?: NodeJS.Timeout;

  constructor(private readonly sessions: FlowSessions) {}

  /** The envelope's identity: the hash of its AES key (whatever RSA wrapping carried it) and of the rest. */
  identify(aesKey: Buffer, envelope: FlowEnvelope): EnvelopeId {
    return { keyHash: sha256(aesKey), digest: sha256(`${envelope.initial_vector}.${envelope.encrypted_flow_data}`) };
  }

  /**
   * Marks the envelope as being answered by this process until `leave` is called; throws 409 for a
   * copy already in flight here, and the held answer for one whose answer waits to be recorded.
   */
  enter(envelope: EnvelopeId): () => void {
    const key = envelope.keyHash.toString('base64');
    const held = this.held.get(key);
    if (held) {
      throw held.envelope.digest.equals(envelope.digest) ? new ReplayedFlowAnswer(200, held.body) : new FlowReplayRefusedError('other_envelope');
    }
    if (this.inFlight.has(key)) throw new FlowReplayRefusedError('in_progress');
    this.inFlight.add(key);
    return () => this.inFlight.delete(key);
  }

  /**
   * Holds an answer that is being sent without its record, and writes the record in the background
   * (at once, then every second while the database refuses it).
   */
  hold(answer: HeldAnswer): void {
    const key = answer.envelope.keyHash.toString('base64');
    this.held.delete(key);
    this.held.set(key, answer);
    if (this.held.size > MAX_HELD) {
      this.held.delete(this.held.keys().next().value!);
      this.logger.warn(`More than ${MAX_HELD} answers wait for the database; the oldest is no longer held`);
    }
    void this.flush(key, answer);
    this.retry ??= setInterval(() => void this.flushAll(), RETRY_MS).unref();
  }

  /** Answers held in this process (for health and tests). */
  get heldCount(): number {
    return this.held.size;
  }

  onApplicationShutdown(): void {
    if (this.retry) clearInterval(this.retry);
    if (this.held.size > 0) this.logger.warn(`${this.held.size} answers sent while the database was unavailable were not recorded`);
  }

  private async flushAll(): Promise<void> {
    for (const [key, answer] of [...this.held]) await this.flush(key, answer);
    if (this.held.size === 0 && this.retry) {
      clearInterval(this.retry);
      this.retry = undefined;
    }
  }

  private async flush(key: string, answer: HeldAnswer): Promise<void> {
    try {
      await this.sessions.record(answer.flow, answer.token, answer.policy, answer.envelope, answer.body, answer.end, answer.tenant);
    } catch (error) {
      // Still unavailable: try again later. Anything else (the key was taken, the session ended)
      // means the record can never be written; the answer held was an error screen, which says nothing.
      const final = error instanceof FlowTokenRejectedError || error instanceof FlowReplayRefusedError || error instanceof ReplayedFlowAnswer;
      if (!final) return;
    }
    if (this.held.get(key) === answer) this.held.delete(key);
  }
}

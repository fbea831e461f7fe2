import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClaimStore } from '../../cache/claim-store.js';
import type { FlowEnvelope } from '../crypto/flow-envelope.js';
import { FlowReplayRefusedError, ReplayedFlowAnswer } from '../flow-errors.js';
import { flowsConfig } from '../flows.config.js';

/** What the first request of an envelope does with its answer. */
export interface EnvelopeClaim {
  /** Keeps the answer (status and exact body) for the envelope's replays. */
  answered(status: number, body: string): Promise<void>;
  /** Forgets the envelope (the request failed before anything was encrypted under its key). */
  abandon(): Promise<void>;
}

interface EnvelopeRecord {
  /** Digest of the rest of the envelope. */
  envelope: string;
  status?: number;
  body?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * WhatsApp's client wraps a fresh AES key for every request, so a second request with the same
 * `encrypted_aes_key` is a replay or a transport retry. Answering it afresh would run the handler
 * (and its side effects) again and encrypt a different reply under the same key and IV: AES-GCM
 * nonce reuse, which gives away the XOR of the two replies. So the first request claims the key
 * (atomically, shared between replicas through the cache's Redis) and its answer is kept for the
 * replay window: an identical envelope gets those exact bytes back without running anything; an
 * envelope reusing the key with other content, or arriving while the first is still being
 * answered, is refused (FlowReplayRefusedError).
 */
@Injectable()
export class EnvelopeReplay {
  private readonly windowMs: number;

  constructor(
    private readonly claims: ClaimStore,
    @Inject(flowsConfig.KEY) config: ConfigType<typeof flowsConfig>,
  ) {
    this.windowMs = config.replayWindowS * 1000;
  }

  /** Claims the envelope for this request, or throws the answer a replay gets. */
  async claim(envelope: FlowEnvelope): Promise<EnvelopeClaim> {
    const key = `flow-envelope:${sha256(envelope.encrypted_aes_key)}`;
    const digest = sha256(`${envelope.initial_vector}.${envelope.encrypted_flow_data}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.claims.claim(key, JSON.stringify({ envelope: digest } satisfies EnvelopeRecord), this.windowMs)) {
        return {
          answered: (status, body) =>
            this.claims.put(key, JSON.stringify({ envelope: digest, status, body } satisfies EnvelopeRecord), this.windowMs),
          abandon: () => this.claims.delete(key),
        };
      }
      const stored = await this.claims.get(key);
      if (stored === undefined) continue; // expired or abandoned in between: claim again
      const record = JSON.parse(stored) as EnvelopeRecord;
      if (record.envelope !== digest) throw new FlowReplayRefusedError('other_envelope');
      if (record.status === undefined || record.body === undefined) throw new FlowReplayRefusedError('in_progress');
      throw new ReplayedFlowAnswer(record.status, record.body);
    }
    throw new FlowReplayRefusedError('in_progress');
  }
}

/** The data endpoint's failure answers, each with the status WhatsApp's client understands. */
export abstract class FlowEndpointError extends Error {
  abstract readonly status: number;
}

/** 432: `X-Hub-Signature-256` missing, malformed or wrong. */
export class FlowSignatureError extends FlowEndpointError {
  readonly status = 432;
  constructor() {
    super('request signature is missing or invalid');
  }
}

/** 421: the envelope cannot be decrypted with any key of the ring; the client refetches our public key. */
export class FlowDecryptionError extends FlowEndpointError {
  readonly status = 421;
  constructor(
    message: string,
    /** For metrics: `envelope` (malformed fields), `key` (no key unwraps it), `payload` (AES-GCM fails). */
    readonly reason: 'envelope' | 'key' | 'payload',
  ) {
    super(message);
  }
}

/** 427: the flow token is unknown, expired or already used; the client closes the flow with `message`. */
export class FlowTokenRejectedError extends FlowEndpointError {
  readonly status = 427;
  constructor(
    readonly userMessage: string,
    /**
     * Answer without the encrypted message (WhatsApp shows its own): for a session whose envelopes
     * are no longer on record, where the request may be a replay of one that got an answer.
     */
    readonly withoutBody = false,
  ) {
    super(userMessage);
  }
}

const REFUSALS = {
  in_progress: 'the same envelope is still being answered (a duplicate delivery)',
  other_envelope: 'its AES key was already used by another request',
  expired: 'the same envelope was answered before, and that answer is no longer kept',
} as const;

/**
 * A request whose AES key was used before, and that cannot get the first answer again: 409 while the
 * first is still being answered; 421 when the rest of the envelope differs, or when the first answer
 * is no longer kept (an AES key must never carry two plaintexts; 421 makes the client take a fresh one).
 */
export class FlowReplayRefusedError extends FlowEndpointError {
  readonly status: 409 | 421;
  constructor(readonly reason: keyof typeof REFUSALS) {
    super(REFUSALS[reason]);
    this.status = reason === 'in_progress' ? 409 : 421;
  }
}

/** Not a failure: the byte-identical answer a replayed envelope got the first time, sent as is. */
export class ReplayedFlowAnswer extends FlowEndpointError {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super('replayed envelope answered with its first answer');
  }
}

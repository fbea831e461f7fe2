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
  constructor(readonly userMessage: string) {
    super(userMessage);
  }
}

import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { MAX_JSON_DEPTH, nestsDeeperThan, strictUtf8 } from '../../http/strict-json.js';
import { FlowDecryptionError } from '../flow-errors.js';
import { typedFlowRequest, type FlowRequest } from '../flow-request.js';
import { FlowKeyRing } from '../keys/flow-key-ring.js';
import type { RingKey } from '../keys/ring-key.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { decryptPayload, unwrapAesKey, type AesSession } from './flow-crypto.js';
import { decodeEnvelope, isPlainObject } from './flow-envelope.js';

export interface DecryptedFlowRequest {
  request: FlowRequest;
  aes: AesSession;
  /** Fingerprint of the ring key that decrypted the request. */
  keyFingerprint: string;
}

/** Opens a request envelope with the key ring: current key first, then the previous one. */
@Injectable()
export class FlowDecryptor {
  private readonly logger = new Logger(FlowDecryptor.name);

  /** Label-bound histogram children, one per key fingerprint: an observation costs no label lookup. */
  private readonly timers = new Map<string, { observe(seconds: number): void }>();

  constructor(
    private readonly keys: FlowKeyRing,
    private readonly metrics: Metrics,
  ) {}

  private timer(fingerprint: string) {
    let timer = this.timers.get(fingerprint);
    if (!timer) this.timers.set(fingerprint, (timer = this.metrics.decryptionDuration.labels({ key: fingerprint })));
    return timer;
  }

  /** `ring`: the keys to try (a tenant's, on its endpoint); default: the single-tenant key ring. */
  decrypt(body: unknown, ring?: readonly RingKey[]): DecryptedFlowRequest {
    if (!isPlainObject(body)) throw new BadRequestException('The request body must be a JSON object');
    const decoded = decodeEnvelope(body);
    if ('invalid' in decoded) throw new FlowDecryptionError(`${decoded.invalid} is missing, empty or not base64`, 'envelope');
    const { wrappedKey, iv, ciphertext } = decoded;

    const started = performance.now();
    let aesKey: Buffer | undefined;
    let keyFingerprint = '';
    for (const key of ring ?? this.keys.candidates()) {
      try {
        aesKey = unwrapAesKey(wrappedKey, key.privateKey);
        keyFingerprint = key.fingerprint;
        if (key.label === 'previous') this.logger.log(`Request decrypted with the previous key ${key.fingerprint}`);
        break;
      } catch {
        // try the next key of the ring
      }
    }
    if (!aesKey) throw new FlowDecryptionError('no key of the ring unwraps encrypted_aes_key', 'key');

    const aes = { key: aesKey, iv };
    let plaintext: Buffer;
    try {
      plaintext = decryptPayload(ciphertext, aes);
    } catch (error) {
      throw new FlowDecryptionError(`encrypted_flow_data does not decrypt: ${(error as Error).message}`, 'payload');
    }
    this.timer(keyFingerprint).observe((performance.now() - started) / 1000);

    let request: unknown;
    try {
      request = JSON.parse(strictUtf8.decode(plaintext));
    } catch {
      throw new BadRequestException('The decrypted payload is not UTF-8 JSON');
    }
    if (!isPlainObject(request)) throw new BadRequestException('The decrypted payload is not a JSON object');
    if (nestsDeeperThan(request)) {
      throw new BadRequestException(`The decrypted payload is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const typed = typedFlowRequest(request);
    if ('problem' in typed) throw new BadRequestException(typed.problem);
    return { request: typed.request, aes, keyFingerprint };
  }
}

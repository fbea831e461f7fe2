import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { encryptResponse } from '../crypto/flow-crypto.js';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FLOW_ACTIONS, isErrorNotification } from '../flow-request.js';
import { FlowDecryptor } from '../crypto/flow-decryptor.js';
import type { RingKey } from '../keys/ring-key.js';
import type { Sealing } from '../routing/flow-router.js';
import { FlowDecryptionError } from '../flow-errors.js';
import { inSpan } from '../../tracing/index.js';
import type { FlowEnvelope } from '../crypto/flow-envelope.js';
import { EnvelopeClaims } from '../replay/envelope-replay.js';
import type { FlowHttpRequest } from './flow-http-request.js';

/**
 * Opens the envelope before anything else reads the body (the handler sees the decrypted request)
 * and seals the answer: it hands the router a `seal` that encrypts with the request's AES key and the
 * inverted IV, called when the answer is recorded against the envelope (a replay must get those exact
 * bytes), and the answer goes out as a bare base64 text body.
 */
@Injectable()
export class FlowCryptoInterceptor implements NestInterceptor {
  constructor(
    private readonly decryptor: FlowDecryptor,
    private readonly metrics: Metrics,
    private readonly claims: EnvelopeClaims,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    return this.proceed(context, next);
  }

  /**
   * Opens the request and hands it on. A tenant's endpoint gives its key ring (`ring`) and the tenant
   * the router and sessions need; the single-tenant endpoint gives neither (the configured key ring).
   */
  protected proceed(context: ExecutionContext, next: CallHandler, tenant?: Sealing['tenant'], ring?: readonly RingKey[]): Observable<string> {
    const http = context.switchToHttp();
    const request = http.getRequest<FlowHttpRequest>();
    const envelope = request.body as FlowEnvelope;
    // The span names the ring key by its fingerprint (never the key) and how the opening ended.
    const decrypted = inSpan('flow.decrypt', undefined, (notes) => {
      try {
        const opened = this.decryptor.decrypt(envelope, ring);
        notes.set('flowgate.key.fingerprint', opened.keyFingerprint);
        notes.set('flowgate.decrypt.outcome', 'ok');
        return opened;
      } catch (error) {
        notes.set('flowgate.decrypt.outcome', error instanceof FlowDecryptionError ? error.reason : 'bad_request');
        throw error;
      }
    });
    const { aes } = decrypted;
    // Pings and error acknowledgements always answer the same plaintext: their replays get the same
    // bytes without a record, so they need no identity.
    const recorded = decrypted.request.action !== 'ping' && !isErrorNotification(decrypted.request);
    request.flow = {
      ...decrypted,
      envelope: recorded ? this.claims.identify(aes.key, envelope) : undefined,
      seal: (reply, serialised) => inSpan('flow.encrypt', undefined, () => encryptResponse(reply, aes, serialised)),
      tenant,
    };
    request.body = decrypted.request;
    (request.raw as { flowKey?: string }).flowKey = decrypted.keyFingerprint;
    this.metrics.requestsByKey.inc({ key: decrypted.keyFingerprint });
    const action = (FLOW_ACTIONS as readonly string[]).includes(decrypted.request.action) ? decrypted.request.action : 'other';
    setFlowLabels(request.raw, { flow: (request.params as { flow: string }).flow, action });
    http.getResponse<FastifyReply>().header('content-type', 'text/plain; charset=utf-8');
    return next.handle();
  }
}

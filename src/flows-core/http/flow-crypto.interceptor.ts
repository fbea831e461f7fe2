import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { encryptResponse } from '../crypto/flow-crypto.js';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FLOW_ACTIONS } from '../flow-request.js';
import { FlowDecryptor } from '../crypto/flow-decryptor.js';
import type { FlowEnvelope } from '../crypto/flow-envelope.js';
import { EnvelopeReplay } from '../replay/envelope-replay.js';
import type { FlowHttpRequest } from './flow-http-request.js';

/**
 * Opens the envelope before anything else reads the body (the handler sees the decrypted request),
 * keeps the AES key and IV, and encrypts whatever comes back as a bare base64 text body. Every
 * envelope but a ping's is claimed first (EnvelopeReplay), so a replay gets the first answer again.
 */
@Injectable()
export class FlowCryptoInterceptor implements NestInterceptor {
  constructor(
    private readonly decryptor: FlowDecryptor,
    private readonly metrics: Metrics,
    private readonly replay: EnvelopeReplay,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const http = context.switchToHttp();
    const request = http.getRequest<FlowHttpRequest>();
    const envelope = request.body as FlowEnvelope;
    const decrypted = this.decryptor.decrypt(envelope);
    request.flow = decrypted;
    request.body = decrypted.request;
    (request.raw as { flowKey?: string }).flowKey = decrypted.keyFingerprint;
    this.metrics.requestsByKey.inc({ key: decrypted.keyFingerprint });
    const action = (FLOW_ACTIONS as readonly string[]).includes(decrypted.request.action) ? decrypted.request.action : 'other';
    setFlowLabels(request.raw, { flow: (request.params as { flow: string }).flow, action });
    const encrypted = (reply: unknown) => {
      http.getResponse<FastifyReply>().header('content-type', 'text/plain; charset=utf-8');
      return encryptResponse(reply, decrypted.aes);
    };
    // A ping needs no record: its reply is the same plaintext every time, so a replayed ping's
    // answer, encrypted under the same key and IV, is byte-identical anyway (nothing leaks) and runs
    // nothing. Pings are the hot path: this spares them two cache round trips.
    if (decrypted.request.action === 'ping') return next.handle().pipe(map(encrypted));
    // One promise for the rest, not a chain of rxjs operators per request.
    return from(
      (async () => {
        const claim = await this.replay.claim(envelope);
        request.envelopeClaim = claim;
        const body = encrypted(await lastValueFrom(next.handle()));
        await claim.answered(200, body);
        return body;
      })(),
    );
  }
}

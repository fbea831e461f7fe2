import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { encryptResponse } from '../crypto/flow-crypto.js';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FLOW_ACTIONS } from '../flow-request.js';
import { FlowDecryptor } from '../crypto/flow-decryptor.js';
import type { FlowHttpRequest } from './flow-http-request.js';

/**
 * Opens the envelope before anything else reads the body (the handler sees the decrypted request),
 * keeps the AES key and IV, and encrypts whatever comes back as a bare base64 text body.
 */
@Injectable()
export class FlowCryptoInterceptor implements NestInterceptor {
  constructor(
    private readonly decryptor: FlowDecryptor,
    private readonly metrics: Metrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const http = context.switchToHttp();
    const request = http.getRequest<FlowHttpRequest>();
    const decrypted = this.decryptor.decrypt(request.body);
    request.flow = decrypted;
    request.body = decrypted.request;
    (request.raw as { flowKey?: string }).flowKey = decrypted.keyFingerprint;
    this.metrics.requestsByKey.inc({ key: decrypted.keyFingerprint });
    const action = (FLOW_ACTIONS as readonly string[]).includes(decrypted.request.action) ? decrypted.request.action : 'other';
    setFlowLabels(request.raw, { flow: (request.params as { flow: string }).flow, action });
    return next.handle().pipe(
      map((reply: unknown) => {
        http.getResponse<FastifyReply>().header('content-type', 'text/plain; charset=utf-8');
        return encryptResponse(reply, decrypted.aes);
      }),
    );
  }
}

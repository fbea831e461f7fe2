import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Injectable, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FlowDecryptionError, FlowEndpointError, FlowTokenRejectedError, ReplayedFlowAnswer } from '../flow-errors.js';
import { setFlowLabels } from '../../metrics/flow-request-metrics.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FlowRegistry } from '../routing/flow-registry.js';
import type { FlowHttpRequest } from './flow-http-request.js';

/**
 * Writes the data endpoint's failure answers itself (Fastify would force JSON bodies):
 * 432, 421 and 409 with an empty body, 427 with an encrypted `{ error_msg }` (empty when the request
 * may replay an envelope no longer on record). HTTP errors raised before decryption (400, 404) keep
 * their JSON body; anything else gets a correlation id, never a stack. A replayed envelope gets its
 * first answer byte for byte. A 427 needs no record: a session, once unusable, stays so for the same
 * reason, so a replay gets the same plaintext, hence the same bytes.
 */
@Catch()
@Injectable()
export class FlowExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(FlowExceptionFilter.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly registry: FlowRegistry,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FlowHttpRequest>();
    const flow = (request.params as { flow?: string } | undefined)?.flow;
    const status = exception instanceof FlowEndpointError ? exception.status : exception instanceof HttpException ? exception.getStatus() : 500;
    const replayed = exception instanceof ReplayedFlowAnswer;
    setFlowLabels(request.raw, { flow: flow && this.registry.get(flow) ? flow : 'unknown', outcome: replayed ? 'replayed' : String(status) });
    if (exception instanceof FlowDecryptionError) this.metrics.decryptionFailures.inc({ reason: exception.reason });

    if (exception instanceof ReplayedFlowAnswer) {
      this.logger.log(`Replayed envelope answered with its first answer (${exception.status})`);
      reply.status(exception.status).header('content-type', 'text/plain; charset=utf-8').send(exception.body);
      return;
    }
    if (exception instanceof FlowTokenRejectedError) {
      this.logger.log(`Flow token rejected (427): ${exception.userMessage}`);
      const body = request.flow && !exception.withoutBody ? request.flow.seal({ error_msg: exception.userMessage }) : '';
      reply.status(427).header('content-type', 'text/plain; charset=utf-8').send(body);
      return;
    }
    if (exception instanceof FlowEndpointError) {
      if (exception instanceof FlowDecryptionError) this.logger.warn(`Flow request not decrypted (421): ${exception.message}`);
      else this.logger.warn(`Flow request rejected (${exception.status}): ${exception.message}`);
      reply.status(exception.status).header('content-type', 'text/plain; charset=utf-8').send('');
      return;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      reply
        .status(status)
        .type('application/json; charset=utf-8')
        .send(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    const correlationId = randomUUID();
    this.logger.error(`Unexpected error on the flow endpoint [${correlationId}]: ${(exception as Error)?.stack ?? exception}`);
    reply.status(500).type('application/json; charset=utf-8').send({ statusCode: 500, message: 'Internal error', correlationId });
  }
}

import { BadRequestException, Body, Controller, ForbiddenException, Get, Header, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { HUB_SIGNED_BODY } from '../../hub-signature/index.js';
import { isPlainObject } from '../../http/plain-object.js';
import { sameSecret } from '../../http/secrets.js';
import { webhooksConfig } from '../webhooks.config.js';
import { splitWhatsAppNotification } from './split-events.js';
import { WebhookIntake } from './webhook-intake.service.js';
import { WebhookSignatureGuard } from './webhook-signature.guard.js';

/** Meta's webhook for the WhatsApp Business Account: verification (GET) and notifications (POST). */
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  constructor(
    private readonly intake: WebhookIntake,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
  ) {}

  /** Answers Meta's subscription check with the challenge; anything else is 403. */
  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  verify(@Req() request: FastifyRequest): string {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const single = (name: string) => (query.getAll(name).length === 1 ? query.get(name)! : undefined);
    const [mode, token, challenge] = [single('hub.mode'), single('hub.verify_token'), single('hub.challenge')];
    const expected = this.config.verifyToken;
    if (mode !== 'subscribe' || !token || !challenge || !expected || !sameSecret(token, expected)) {
      throw new ForbiddenException('Verification failed');
    }
    return challenge;
  }

  /** Stores every event before answering 200; processing happens in the background. */
  @Post()
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  @RouteConfig({ bodyLimitConfig: 'webhooks.bodyLimit', signedBody: HUB_SIGNED_BODY })
  async receive(@Body() body: unknown) {
    if (!isPlainObject(body)) throw new BadRequestException('The body must be a JSON object');
    return this.intake.accept('whatsapp', splitWhatsAppNotification(body));
  }
}

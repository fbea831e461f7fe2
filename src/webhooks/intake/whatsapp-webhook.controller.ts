import { BadRequestException, Body, Controller, Get, Header, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { HUB_SIGNED_BODY } from '../../hub-signature/index.js';
import { isPlainObject } from '../../http/plain-object.js';
import { webhooksConfig } from '../webhooks.config.js';
import { splitWhatsAppNotification } from './split-events.js';
import { subscriptionChallenge } from './subscription-check.js';
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
    return subscriptionChallenge(request, this.config.verifyToken);
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

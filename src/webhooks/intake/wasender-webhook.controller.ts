import { BadRequestException, Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { isPlainObject } from '../../http/plain-object.js';
import { splitWasenderNotification } from './split-events.js';
import { WASENDER_SIGNED_BODY, WasenderSignatureGuard } from './wasender-signature.guard.js';
import { WebhookIntake } from './webhook-intake.service.js';

/** WASenderApi's webhooks, stored and processed like Meta's. */
@Controller('webhooks/wasender')
export class WasenderWebhookController {
  constructor(private readonly intake: WebhookIntake) {}

  @Post()
  @HttpCode(200)
  @UseGuards(WasenderSignatureGuard)
  @RouteConfig({ bodyLimitConfig: 'webhooks.bodyLimit', signedBody: WASENDER_SIGNED_BODY })
  async receive(@Body() body: unknown) {
    if (!isPlainObject(body)) throw new BadRequestException('The body must be a JSON object');
    return this.intake.accept('wasender', splitWasenderNotification(body));
  }
}

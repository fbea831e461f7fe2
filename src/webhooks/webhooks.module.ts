import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowMediaModule } from '../flow-media/index.js';
import { FlowsCoreModule } from '../flows-core/server.js';
import { MetaFlowsModule } from '../meta-flows/meta-flows.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { webhooksConfig } from './webhooks.config.js';
import { WebhookAdminController } from './admin/webhook-admin.controller.js';
import { FlowSubmission } from './entities/flow-submission.entity.js';
import { MessageStatus } from './entities/message-status.entity.js';
import { WebhookEvent } from './entities/webhook-event.entity.js';
import { FlowAlertMetrics } from './flow-alerts/flow-alert-metrics.js';
import { MetaFlowAlert } from './flow-alerts/meta-flow-alert.entity.js';
import { requireWasenderSecret } from './intake/wasender-secret.hook.js';
import { WasenderSignatureGuard } from './intake/wasender-signature.guard.js';
import { WasenderWebhookController } from './intake/wasender-webhook.controller.js';
import { WebhookIntake } from './intake/webhook-intake.service.js';
import { WebhookSignatureGuard } from './intake/webhook-signature.guard.js';
import { WhatsAppWebhookController } from './intake/whatsapp-webhook.controller.js';
import { TenantWebhookController, TenantWebhookSignatureGuard } from './intake/tenant-webhook.controller.js';
import { NfmReplyHandler } from './processing/nfm-reply.handler.js';
import { WebhookWorker } from './processing/webhook-worker.js';
import { WebhookEvents } from './processing/webhook-events.service.js';
import { WebhookQueueHealth } from './processing/webhook-queue.health.js';
import { WebhookReconciler } from './processing/webhook-reconciler.js';
import { WebhookRetention } from './processing/webhook-retention.js';
import { WebhookQueue } from './webhook-queue.js';

/**
 * Webhooks from Meta (`/webhooks/whatsapp`) and WASenderApi (`/webhooks/wasender`): stored before
 * they are acknowledged, processed once in the background.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEvent, FlowSubmission, MessageStatus, MetaFlowAlert]),
    ConfigModule.forFeature(webhooksConfig),
    FlowsCoreModule,
    // Completion media (nfm_reply) are recorded and fetched by the media room.
    FlowMediaModule,
    MetaFlowsModule,
    QueueModule,
  ],
  controllers: [WhatsAppWebhookController, TenantWebhookController, WasenderWebhookController, WebhookAdminController],
  providers: [
    WebhookQueue,
    WebhookIntake,
    WebhookSignatureGuard,
    TenantWebhookSignatureGuard,
    WasenderSignatureGuard,
    WebhookEvents,
    NfmReplyHandler,
    WebhookWorker,
    WebhookReconciler,
    WebhookRetention,
    WebhookQueueHealth,
    FlowAlertMetrics,
  ],
  exports: [WebhookIntake, WebhookReconciler],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly http: HttpAdapterHost,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
  ) {}

  onModuleInit(): void {
    // An application context without HTTP (`db:seed`) receives no webhooks.
    if (this.http.httpAdapter) requireWasenderSecret(this.http.httpAdapter.getInstance<FastifyInstance>(), this.config.wasenderSecret);
  }
}

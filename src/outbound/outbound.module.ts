import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FlowsCoreModule } from '../flows-core/server.js';
import { GraphApiModule } from '../graph-api/index.js';
import { outboundConfig } from './outbound.config.js';
import { CloudApiChannel } from './channels/cloud-api.channel.js';
import { WasenderChannel } from './channels/wasender.channel.js';
import { FlowMessages } from './flow-messages.service.js';
import { OutboundAdminController } from './outbound-admin.controller.js';

/** Outbound messages: flow messages through the Cloud API, trigger texts through Cloud API or WASenderApi. */
@Module({
  imports: [ConfigModule.forFeature(outboundConfig), GraphApiModule, FlowsCoreModule],
  controllers: [OutboundAdminController],
  providers: [CloudApiChannel, WasenderChannel, FlowMessages],
  exports: [CloudApiChannel, WasenderChannel, FlowMessages],
})
export class OutboundModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FlowsCoreModule } from '../flows-core/server.js';
import { MetaFlowsAdminController } from './meta-flows-admin.controller.js';
import { MetaFlowNames } from './meta-flow-names.js';
import { metaFlowsConfig } from './meta-flows.config.js';

/** Meta's Flows API in the server: GET /admin/flows. The CLI (`npm run flows`) uses the same client. */
@Module({
  imports: [ConfigModule.forFeature(metaFlowsConfig), FlowsCoreModule],
  controllers: [MetaFlowsAdminController],
  providers: [MetaFlowNames],
  exports: [MetaFlowNames],
})
export class MetaFlowsModule {}

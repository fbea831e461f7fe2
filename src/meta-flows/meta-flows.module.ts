import { Module } from '@nestjs/common';
import { MetaFlowsAdminController } from './meta-flows-admin.controller.js';

/** Meta's Flows API in the server: GET /admin/flows. The CLI (`npm run flows`) uses the same client. */
@Module({ controllers: [MetaFlowsAdminController] })
export class MetaFlowsModule {}

import { Module } from '@nestjs/common';
import { DatabaseModule } from '../../database/index.js';
import { FlowMediaModule } from '../../flow-media/index.js';
import { InventoryFlowModule } from '../inventory/index.js';
import { ReturnRequest } from './entities/return-request.entity.js';
import { ReturnRequestFile } from './entities/return-request-file.entity.js';
import { ReturnsFlow } from './returns.flow.js';
import { ReturnsService } from './returns.service.js';
import { Returns1795280000000 } from './migrations/1795280000000-Returns.js';

/**
 * The returns flow: `POST /flows/returns`. Depends on the inventory flow (its reservations and
 * products, read through the InventoryReader it exports) and on media (the photo and receipt pickers).
 */
@Module({
  imports: [
    DatabaseModule.forFeature({ entities: [ReturnRequest, ReturnRequestFile], migrations: [Returns1795280000000] }),
    FlowMediaModule,
    InventoryFlowModule,
  ],
  providers: [ReturnsFlow, ReturnsService],
})
export class ReturnsFlowModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowMediaModule } from '../../flow-media/index.js';
import { ReturnRequest } from './entities/return-request.entity.js';
import { ReturnRequestFile } from './entities/return-request-file.entity.js';
import { ReturnsFlow } from './returns.flow.js';
import { ReturnsService } from './returns.service.js';

/** The returns flow: `POST /flows/returns`. Reads the inventory flow's reservations and products. */
@Module({
  imports: [TypeOrmModule.forFeature([ReturnRequest, ReturnRequestFile]), FlowMediaModule],
  providers: [ReturnsFlow, ReturnsService],
})
export class ReturnsFlowModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReturnRequest } from './entities/return-request.entity.js';
import { ReturnRequestFile } from './entities/return-request-file.entity.js';
import { ReturnsFlowController } from './returns.controller.js';
import { ReturnsService } from './returns.service.js';

/** The returns flow: `POST /flows/returns`. Reads the inventory flow's reservations and products. */
@Module({
  imports: [TypeOrmModule.forFeature([ReturnRequest, ReturnRequestFile])],
  providers: [ReturnsFlowController, ReturnsService],
})
export class ReturnsFlowModule {}

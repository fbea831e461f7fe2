import { Module } from '@nestjs/common';
import { __Name__Flow } from './__name__.flow.js';
import { __Name__Service } from './__name__.service.js';

/** The __name__ flow: POST /flows/__name__. */
@Module({
  providers: [__Name__Flow, __Name__Service],
})
export class __Name__FlowModule {}

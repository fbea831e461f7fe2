import { Module, type OnModuleInit } from '@nestjs/common';
import { DatabaseModule, DemoData } from '../../database/index.js';
import { __Entity__ } from './entities/__entity__.entity.js';
import { seed__Name__ } from './__name__.demo-data.js';
import { __Name__Flow } from './__name__.flow.js';
import { __Name__Service } from './__name__.service.js';
import { __Name____timestamp__ } from './migrations/__timestamp__-__Name__.js';

/** The __name__ flow: POST /flows/__name__. Its table, migration and demo data live in this folder. */
@Module({
  imports: [DatabaseModule.forFeature({ entities: [__Entity__], migrations: [__Name____timestamp__] })],
  providers: [__Name__Flow, __Name__Service],
})
export class __Name__FlowModule implements OnModuleInit {
  constructor(private readonly demoData: DemoData) {}

  onModuleInit(): void {
    this.demoData.register('__name__', seed__Name__);
  }
}

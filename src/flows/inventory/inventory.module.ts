import { Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { inventoryConfig } from './inventory.config.js';
import { DemoData } from '../../database/demo-data.js';
import { Product } from './entities/product.entity.js';
import { Reservation } from './entities/reservation.entity.js';
import { StockLevel } from './entities/stock-level.entity.js';
import { Warehouse } from './entities/warehouse.entity.js';
import { InventoryFlow } from './inventory.flow.js';
import { seedInventory } from './inventory.demo-data.js';
import { InventoryService } from './inventory.service.js';

/** The inventory check flow: `POST /flows/inventory`. */
@Module({
  imports: [TypeOrmModule.forFeature([Product, Warehouse, StockLevel, Reservation]), ConfigModule.forFeature(inventoryConfig)],
  providers: [InventoryFlow, InventoryService],
})
export class InventoryFlowModule implements OnModuleInit {
  constructor(private readonly demoData: DemoData) {}

  onModuleInit(): void {
    this.demoData.register('inventory', seedInventory);
  }
}

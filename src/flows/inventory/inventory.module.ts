import { Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { inventoryConfig } from './inventory.config.js';
import { DatabaseModule, DemoData } from '../../database/index.js';
import { Product } from './entities/product.entity.js';
import { Reservation } from './entities/reservation.entity.js';
import { StockLevel } from './entities/stock-level.entity.js';
import { Warehouse } from './entities/warehouse.entity.js';
import { InventoryFlow } from './inventory.flow.js';
import { seedInventory } from './inventory.demo-data.js';
import { InventoryReader } from './inventory-reader.js';
import { InventoryService } from './inventory.service.js';
import { Inventory1795250000000 } from './migrations/1795250000000-Inventory.js';

/** The inventory check flow: `POST /flows/inventory`. */
@Module({
  imports: [
    DatabaseModule.forFeature({ entities: [Product, Warehouse, StockLevel, Reservation], migrations: [Inventory1795250000000] }),
    ConfigModule.forFeature(inventoryConfig),
  ],
  providers: [InventoryFlow, InventoryService, InventoryReader],
  // For other flows (returns reads reservations and products): imported through ./index.ts.
  exports: [InventoryReader],
})
export class InventoryFlowModule implements OnModuleInit {
  constructor(private readonly demoData: DemoData) {}

  onModuleInit(): void {
    this.demoData.register('inventory', seedInventory);
  }
}

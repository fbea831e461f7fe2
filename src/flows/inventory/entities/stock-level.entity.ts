import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Units of one product in one warehouse; never below zero (a CHECK constraint backs this). */
@Entity('inventory_stock_levels')
export class StockLevel {
  @PrimaryColumn({ type: 'text' })
  sku: string;

  @PrimaryColumn({ name: 'warehouse_id', type: 'text' })
  warehouseId: string;

  @Column({ type: 'integer' })
  units: number;
}

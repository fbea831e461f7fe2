import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Product } from './product.entity.js';
import { Warehouse } from './warehouse.entity.js';

/** Units of one product in one warehouse; never below zero (a CHECK constraint backs this). */
@Entity('inventory_stock_levels')
@Check('inventory_stock_levels_units_check', '"units" >= 0')
export class StockLevel {
  @PrimaryColumn({ type: 'text' })
  sku: string;

  @PrimaryColumn({ name: 'warehouse_id', type: 'text' })
  warehouseId: string;

  @Column({ type: 'integer' })
  units: number;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sku', foreignKeyConstraintName: 'inventory_stock_levels_sku_fkey' })
  product?: Product;

  @ManyToOne(() => Warehouse)
  @JoinColumn({ name: 'warehouse_id', foreignKeyConstraintName: 'inventory_stock_levels_warehouse_id_fkey' })
  warehouse?: Warehouse;
}

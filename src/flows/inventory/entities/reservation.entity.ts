import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Product } from './product.entity.js';
import { Warehouse } from './warehouse.entity.js';

@Entity('inventory_reservations')
@Index('IDX_inventory_reservations_sku', ['sku'])
@Check('inventory_reservations_quantity_check', '"quantity" > 0')
export class Reservation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  sku: string;

  @Column({ name: 'warehouse_id', type: 'text' })
  warehouseId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'flow_token', type: 'text' })
  flowToken: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Product)
  @JoinColumn({ name: 'sku', foreignKeyConstraintName: 'inventory_reservations_sku_fkey' })
  product?: Product;

  @ManyToOne(() => Warehouse)
  @JoinColumn({ name: 'warehouse_id', foreignKeyConstraintName: 'inventory_reservations_warehouse_id_fkey' })
  warehouse?: Warehouse;
}

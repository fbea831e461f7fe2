import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('inventory_reservations')
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
}

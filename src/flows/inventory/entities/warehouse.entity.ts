import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('inventory_warehouses')
export class Warehouse {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** numeric columns come back from pg as strings; prices are small enough for a JS number. */
export const decimal = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity('inventory_products')
export class Product {
  @PrimaryColumn({ type: 'text' })
  sku: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: decimal })
  price: number;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency: string;
}

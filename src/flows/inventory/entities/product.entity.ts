import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** numeric columns come back from pg as strings; prices are small enough for a JS number. */
export const decimal = { to: (value: number) => value, from: (value: string) => Number(value) };

@Entity('inventory_products')
@Check('inventory_products_price_check', '"price" >= 0')
// An expression index (lower(name) text_pattern_ops) that TypeORM cannot describe: leave it alone.
@Index('IDX_inventory_products_name_prefix', { synchronize: false })
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

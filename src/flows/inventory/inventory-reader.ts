import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ReservationSummary {
  id: string;
  sku: string;
  productName: string;
  quantity: number;
  createdAt: Date;
}

export interface ProductSummary {
  sku: string;
  name: string;
}

/**
 * What other flows may read of the inventory (exported by src/flows/inventory/index.ts): its
 * products and the reservations a phone made. Every method works in the caller's transaction.
 */
@Injectable()
export class InventoryReader {
  /** The reservations made from sessions of this phone, newest first (at most `limit`). */
  async reservationsOf(manager: EntityManager, phone: string | null, limit = 10): Promise<ReservationSummary[]> {
    if (!phone) return [];
    const rows: Array<{ id: string; sku: string; name: string; quantity: number; created_at: Date }> = await manager.query(
      `SELECT r.id, r.sku, p.name, r.quantity, r.created_at
         FROM inventory_reservations r
         JOIN flow_sessions s ON s.token = r.flow_token
         JOIN inventory_products p ON p.sku = r.sku
        WHERE s.phone = $1
        ORDER BY r.created_at DESC
        LIMIT $2`,
      [phone, limit],
    );
    return rows.map((row) => ({ id: row.id, sku: row.sku, productName: row.name, quantity: row.quantity, createdAt: new Date(row.created_at) }));
  }

  /** A product's id and name, or undefined when the SKU is unknown. */
  async product(manager: EntityManager, sku: string): Promise<ProductSummary | undefined> {
    const [row] = await manager.query('SELECT sku, name FROM inventory_products WHERE sku = $1', [sku]);
    return row;
  }
}

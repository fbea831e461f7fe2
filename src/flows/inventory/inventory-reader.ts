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
 * products and the reservations a person made. Every method works in the caller's transaction.
 */
@Injectable()
export class InventoryReader {
  /**
   * The reservations a person made, newest first (at most `limit`): those of the sessions issued to
   * (or completed by) the same phone number or the same business-scoped user id. A person who hides
   * their number behind a WhatsApp username is known by the user id alone; pass the session
   * (`@CurrentSession()`), which carries both when known.
   */
  async reservationsOf(manager: EntityManager, person: { phone?: string | null; userId?: string | null }, limit = 10): Promise<ReservationSummary[]> {
    if (!person.phone && !person.userId) return [];
    // Each side is an indexed lookup (partial indexes on phone and user_id); the OR combines them.
    const rows: Array<{ id: string; sku: string; name: string; quantity: number; created_at: Date }> = await manager.query(
      `SELECT r.id, r.sku, p.name, r.quantity, r.created_at
         FROM inventory_reservations r
         JOIN flow_sessions s ON s.token = r.flow_token
         JOIN inventory_products p ON p.sku = r.sku
        WHERE s.phone = $1 OR s.user_id = $2
        ORDER BY r.created_at DESC
        LIMIT $3`,
      [person.phone ?? null, person.userId ?? null, limit],
    );
    return rows.map((row) => ({ id: row.id, sku: row.sku, productName: row.name, quantity: row.quantity, createdAt: new Date(row.created_at) }));
  }

  /** A product's id and name, or undefined when the SKU is unknown. */
  async product(manager: EntityManager, sku: string): Promise<ProductSummary | undefined> {
    const [row] = await manager.query('SELECT sku, name FROM inventory_products WHERE sku = $1', [sku]);
    return row;
  }
}

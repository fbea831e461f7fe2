import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ReservationChoice {
  id: string;
  sku: string;
  productName: string;
  quantity: number;
  createdAt: Date;
}

/**
 * Return requests and what they refer to: the user's inventory reservations (through the sessions
 * that made them, by phone) and the inventory's products. Every method works in the caller's
 * transaction (`manager`: in a flow handler, the request's, so a return request commits with the
 * completion that made it).
 */
@Injectable()
export class ReturnsService {
  /** The reservations made from sessions of this phone, newest first. */
  async reservationsOf(manager: EntityManager, phone: string | null): Promise<ReservationChoice[]> {
    if (!phone) return [];
    const rows: Array<{ id: string; sku: string; name: string; quantity: number; created_at: Date }> = await manager.query(
      `SELECT r.id, r.sku, p.name, r.quantity, r.created_at
         FROM inventory_reservations r
         JOIN flow_sessions s ON s.token = r.flow_token
         JOIN inventory_products p ON p.sku = r.sku
        WHERE s.phone = $1
        ORDER BY r.created_at DESC
        LIMIT 10`,
      [phone],
    );
    return rows.map((row) => ({ id: row.id, sku: row.sku, productName: row.name, quantity: row.quantity, createdAt: new Date(row.created_at) }));
  }

  async product(manager: EntityManager, sku: string): Promise<{ sku: string; name: string } | undefined> {
    const [row] = await manager.query('SELECT sku, name FROM inventory_products WHERE sku = $1', [sku]);
    return row;
  }

  /** Creates the return request of a session with its files; a repeated request of the same session gets the request it already made. */
  async create(
    manager: EntityManager,
    request: {
      flowToken: string;
      sku: string;
      reservationId?: string;
      problem: string;
      photoIds: string[];
      receiptIds: string[];
    },
  ): Promise<string> {
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO returns_requests (flow_token, sku, reservation_id, problem) VALUES ($1, $2, $3, $4)
         ON CONFLICT (flow_token) DO NOTHING RETURNING id`,
      [request.flowToken, request.sku, request.reservationId ?? null, request.problem],
    );
    if (inserted.length === 0) {
      const [existing] = await manager.query('SELECT id FROM returns_requests WHERE flow_token = $1', [request.flowToken]);
      return existing.id as string;
    }
    const id = inserted[0].id;
    const files = [...request.photoIds.map((mediaId) => [mediaId, 'photo']), ...request.receiptIds.map((mediaId) => [mediaId, 'receipt'])];
    for (const [mediaId, role] of files) {
      await manager.query('INSERT INTO returns_request_files (return_id, media_id, role) VALUES ($1, $2, $3)', [id, mediaId, role]);
    }
    return id;
  }
}

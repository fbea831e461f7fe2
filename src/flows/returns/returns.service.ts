import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Return requests and their files. Works in the caller's transaction (`manager`: in a flow handler,
 * the request's, so a return request commits with the completion that made it). What a return refers
 * to (reservations, products) is read through the inventory flow's InventoryReader.
 */
@Injectable()
export class ReturnsService {
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

import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { ReadThroughCache } from '../../cache/index.js';
import { afterCommit } from '../../database/index.js';
import { inventoryConfig } from './inventory.config.js';

export interface WarehouseStock {
  warehouseId: string;
  warehouseName: string;
  units: number;
}

export interface Availability {
  sku: string;
  name: string;
  price: number;
  currency: string;
  /** Warehouses holding the product, most units first (including those at zero). */
  stock: WarehouseStock[];
}

export interface SearchPage {
  items: Array<{ sku: string; name: string; price: number; currency: string }>;
  /** Position of the first item in the whole result list, from 0. */
  offset: number;
  hasMore: boolean;
}

export type ReservationResult =
  { ok: true; reservationId: string; warehouseId: string } | { ok: false; reason: 'unknown_product' | 'insufficient_stock' };

export const SKU = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

const availabilityKey = (sku: string) => `inventory:availability:${sku}`;

/**
 * Products, stock levels and reservations in Postgres; availability read through the cache. Every
 * method works in the caller's transaction (`manager`: in a flow handler, the request's).
 */
@Injectable()
export class InventoryService {
  constructor(
    private readonly cache: ReadThroughCache,
    @Inject(inventoryConfig.KEY) private readonly config: ConfigType<typeof inventoryConfig>,
  ) {}

  /** A product and its stock per warehouse, or null when the SKU is unknown. */
  async availability(manager: EntityManager, sku: string): Promise<Availability | null> {
    return this.cache.get(availabilityKey(sku), this.config.cacheTtlMs, async () => {
      const rows: Array<{
        sku: string;
        name: string;
        price: string;
        currency: string;
        warehouse_id: string | null;
        warehouse_name: string | null;
        units: number | null;
      }> = await manager.query(
        `SELECT p.sku, p.name, p.price, p.currency, w.id AS warehouse_id, w.name AS warehouse_name, s.units
             FROM inventory_products p
             LEFT JOIN inventory_stock_levels s ON s.sku = p.sku
             LEFT JOIN inventory_warehouses w ON w.id = s.warehouse_id
            WHERE p.sku = $1
            ORDER BY s.units DESC NULLS LAST, w.name`,
        [sku],
      );
      if (rows.length === 0) return null;
      const [first] = rows;
      return {
        sku: first.sku,
        name: first.name,
        price: Number(first.price),
        currency: first.currency.trim(),
        stock: rows
          .filter((row) => row.warehouse_id !== null)
          .map((row) => ({ warehouseId: row.warehouse_id!, warehouseName: row.warehouse_name!, units: row.units! })),
      };
    });
  }

  /** Products whose name starts with `prefix` (case-insensitive), one page at a time. */
  async search(manager: EntityManager, prefix: string, page: number): Promise<SearchPage> {
    const size = this.config.pageSize;
    const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const rows: Array<{ sku: string; name: string; price: string; currency: string }> = await manager.query(
      `SELECT sku, name, price, currency FROM inventory_products
        WHERE lower(name) LIKE $1
        ORDER BY lower(name), sku
        LIMIT $2 OFFSET $3`,
      [pattern, size + 1, page * size],
    );
    return {
      items: rows.slice(0, size).map((row) => ({ ...row, price: Number(row.price), currency: row.currency.trim() })),
      offset: page * size,
      hasMore: rows.length > size,
    };
  }

  /**
   * Reserves `quantity` units in the caller's transaction (in a flow, the one that completes the
   * flow token: the reservation and the completion commit together). The stock update only matches
   * a row that still has enough units, so concurrent reservations can never take stock below zero.
   */
  async reserve(
    manager: EntityManager,
    sku: string,
    quantity: number,
    warehouseId: string | undefined,
    flowToken: string,
  ): Promise<ReservationResult> {
    const product: unknown[] = await manager.query('SELECT 1 FROM inventory_products WHERE sku = $1', [sku]);
    if (product.length === 0) return { ok: false, reason: 'unknown_product' };
    // For UPDATE, TypeORM's query() answers [rows, affected count].
    const [updated]: [Array<{ warehouse_id: string }>, number] = await manager.query(
      `UPDATE inventory_stock_levels s
          SET units = s.units - $2
        WHERE s.sku = $1
          AND s.units >= $2
          AND s.warehouse_id = (
            SELECT warehouse_id FROM inventory_stock_levels
             WHERE sku = $1 AND units >= $2 AND ($3::text IS NULL OR warehouse_id = $3)
             ORDER BY units DESC, warehouse_id
             LIMIT 1
             FOR UPDATE)
        RETURNING s.warehouse_id`,
      [sku, quantity, warehouseId ?? null],
    );
    if (updated.length === 0) return { ok: false, reason: 'insufficient_stock' };
    const [reservation]: Array<{ id: string }> = await manager.query(
      `INSERT INTO inventory_reservations (sku, warehouse_id, quantity, flow_token) VALUES ($1, $2, $3, $4) RETURNING id`,
      [sku, updated[0].warehouse_id, quantity, flowToken],
    );
    // Once the new stock is committed, the next reader sees it (invalidating earlier would let a
    // reader cache the old stock again before the commit).
    await afterCommit(manager, () => this.cache.invalidate(availabilityKey(sku)));
    return { ok: true, reservationId: reservation.id, warehouseId: updated[0].warehouse_id };
  }
}

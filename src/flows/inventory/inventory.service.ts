import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
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
 * Products, stock levels and reservations in Postgres; availability read through the cache. Reads
 * go to the pool unless given the caller's transaction (`manager`: in a handler that writes, the
 * request's); writes always take it.
 */
@Injectable()
export class InventoryService {
  constructor(
    private readonly cache: ReadThroughCache,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(inventoryConfig.KEY) private readonly config: ConfigType<typeof inventoryConfig>,
  ) {}

  /** A product and its stock per warehouse, or null when the SKU is unknown. */
  async availability(sku: string, manager: EntityManager = this.db.manager): Promise<Availability | null> {
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
  async search(prefix: string, page: number, manager: EntityManager = this.db.manager): Promise<SearchPage> {
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
    // One statement: take the units from the warehouse with the most (or the one asked for), and
    // record the reservation of what was taken.
    const [reservation]: Array<{ id: string; warehouse_id: string }> = await manager.query(
      `WITH taken AS (
         UPDATE inventory_stock_levels s
            SET units = s.units - $2
          WHERE s.sku = $1
            AND s.units >= $2
            AND s.warehouse_id = (
              SELECT warehouse_id FROM inventory_stock_levels
               WHERE sku = $1 AND units >= $2 AND ($3::text IS NULL OR warehouse_id = $3)
               ORDER BY units DESC, warehouse_id
               LIMIT 1
               FOR UPDATE)
          RETURNING s.warehouse_id)
       INSERT INTO inventory_reservations (sku, warehouse_id, quantity, flow_token)
       SELECT $1, warehouse_id, $2, $4 FROM taken
       RETURNING id, warehouse_id`,
      [sku, quantity, warehouseId ?? null, flowToken],
    );
    if (!reservation) {
      // Only now is it worth a query to tell an unknown product from a lack of stock.
      const product: unknown[] = await manager.query('SELECT 1 FROM inventory_products WHERE sku = $1', [sku]);
      return { ok: false, reason: product.length === 0 ? 'unknown_product' : 'insufficient_stock' };
    }
    // Once the new stock is committed, the next reader sees it (invalidating earlier would let a
    // reader cache the old stock again before the commit).
    await afterCommit(manager, () => this.cache.invalidate(availabilityKey(sku)));
    return { ok: true, reservationId: reservation.id, warehouseId: reservation.warehouse_id };
  }
}

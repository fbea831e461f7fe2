import type { EntityManager } from 'typeorm';

/** Demo catalogue: PROD-99 with exactly 5 units (all local), an out-of-stock product, and enough cables to page through. */
export async function seedInventory(manager: EntityManager): Promise<void> {
  await manager.query(
    `INSERT INTO inventory_warehouses (id, name) VALUES ('LOCAL', 'Local warehouse'), ('NORTH', 'North warehouse')
     ON CONFLICT (id) DO NOTHING`,
  );
  const products: Array<[string, string, number]> = [
    ['PROD-99', 'Wireless Mouse', 24.99],
    ['PROD-42', 'Mechanical Keyboard', 89.5],
    ['PROD-00', 'Noise Cancelling Headphones', 199],
    ...Array.from({ length: 45 }, (_, i): [string, string, number] => [
      `CBL-${String(i + 1).padStart(3, '0')}`,
      `Cable ${['USB-C', 'HDMI', 'Lightning', 'DisplayPort', 'Ethernet'][i % 5]} ${Math.floor(i / 5) + 1} m`,
      4.99 + i,
    ]),
  ];
  await manager.query(
    `INSERT INTO inventory_products (sku, name, price, currency)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[])
     ON CONFLICT (sku) DO NOTHING`,
    [products.map((p) => p[0]), products.map((p) => p[1]), products.map((p) => p[2]), products.map(() => 'EUR')],
  );
  const stock: Array<[string, string, number]> = [
    ['PROD-99', 'LOCAL', 5],
    ['PROD-42', 'LOCAL', 3],
    ['PROD-42', 'NORTH', 7],
    ['PROD-00', 'LOCAL', 0],
    ...products.slice(3).map(([sku], i): [string, string, number] => [sku, i % 2 ? 'NORTH' : 'LOCAL', 20 + i]),
  ];
  // Only stock rows that do not exist yet: restarting never refills what customers reserved.
  await manager.query(
    `INSERT INTO inventory_stock_levels (sku, warehouse_id, units)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
     ON CONFLICT (sku, warehouse_id) DO NOTHING`,
    [stock.map((s) => s[0]), stock.map((s) => s[1]), stock.map((s) => s[2])],
  );
}

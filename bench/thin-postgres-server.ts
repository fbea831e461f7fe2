/**
 * The thin + Postgres baseline: what a correct hand-written data endpoint does with a database, and
 * nothing more. A bare Fastify route, the same signature check and crypto as the thin baseline, and
 * for the inventory flow:
 *
 * - every data request (INIT, data_exchange) of Data API 4.0: its flow_token_signature checked (HS256 with
 *   the app secret, the token in it), as a correct endpoint for a 4.0 flow must;
 * - every data request: ONE statement, the session upsert. It opens the session
 *   on first sight and refuses (427) a completed or expired one:
 *     INSERT INTO thin_sessions … ON CONFLICT (token) DO UPDATE SET seen_at = now()
 *       WHERE status = 'active' AND expires_at > now() RETURNING status
 * - the lookup (INVENTORY → AVAILABILITY): the product and its stock per warehouse from an
 *   in-process cache (30 s, dropped by a reservation), read with one SELECT on a miss;
 * - the reserve (AVAILABILITY → SUCCESS), instead of the upsert, one transaction on one connection:
 *     BEGIN; SELECT … FROM thin_sessions WHERE token = $1 FOR UPDATE;
 *     UPDATE thin_stock SET units = units - $2 … AND units >= $2 RETURNING warehouse_id;
 *     UPDATE thin_sessions SET status = 'completed', reservation… WHERE token = $1; COMMIT
 *   (the completed session row is the reservation: at most one per token).
 *
 * Replies are the inventory flow's screens with the same data as Flowgate's (they pass the same
 * checks against its Flow JSON). No replay records, logging, metrics or validation library.
 * `GET /lag` reports its event-loop delay; `GET /stats` what was reserved.
 *
 * env: PORT, FLOW_PRIVATE_KEY_FILE, WHATSAPP_APP_SECRET, and DATABASE_URL (Postgres) or
 * THIN_PGLITE_DIR (PGlite in this process: a folder, or `memory`); THIN_STOCK (units of PROD-99).
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { lagWindow, openRequest, tokenSignatureValid } from './lib/thin-endpoint.js';
import { pgliteStore, postgresStore, type ThinStore } from './lib/thin-store.js';

const STOCK = Number(process.env.THIN_STOCK ?? 100_000_000);
const CACHE_TTL_MS = 30_000;
const SESSION_TTL = '1 day';
const SKU = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const QUANTITY = 'Please enter how many units to reserve (1 to 100)';

const store: ThinStore = process.env.DATABASE_URL
  ? postgresStore(process.env.DATABASE_URL)
  : await pgliteStore(process.env.THIN_PGLITE_DIR ?? 'memory');

/** Its own tables, created and stocked at start (the same catalogue as Flowgate's demo data for these products). */
async function prepare(): Promise<void> {
  for (const statement of [
    `CREATE TABLE IF NOT EXISTS thin_sessions (
       token text PRIMARY KEY,
       flow text NOT NULL,
       status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'expired')),
       expires_at timestamptz NOT NULL,
       seen_at timestamptz NOT NULL DEFAULT now(),
       completed_at timestamptz,
       reservation_id uuid,
       reserved_sku text,
       reserved_quantity integer,
       reserved_warehouse text)`,
    `CREATE TABLE IF NOT EXISTS thin_warehouses (id text PRIMARY KEY, name text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS thin_products (sku text PRIMARY KEY, name text NOT NULL, price numeric(12, 2) NOT NULL, currency char(3) NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS thin_stock (
       sku text NOT NULL REFERENCES thin_products,
       warehouse_id text NOT NULL REFERENCES thin_warehouses,
       units integer NOT NULL CHECK (units >= 0),
       PRIMARY KEY (sku, warehouse_id))`,
    `INSERT INTO thin_warehouses (id, name) VALUES ('LOCAL', 'Local warehouse'), ('NORTH', 'North warehouse') ON CONFLICT (id) DO NOTHING`,
    `INSERT INTO thin_products (sku, name, price, currency) VALUES ('PROD-99', 'Wireless Mouse', 24.99, 'EUR'), ('PROD-42', 'Mechanical Keyboard', 89.5, 'EUR')
       ON CONFLICT (sku) DO NOTHING`,
  ]) {
    await store.query(statement);
  }
  await store.query(
    `INSERT INTO thin_stock (sku, warehouse_id, units) VALUES ('PROD-99', 'LOCAL', $1), ('PROD-42', 'LOCAL', 3), ('PROD-42', 'NORTH', 7)
       ON CONFLICT (sku, warehouse_id) DO UPDATE SET units = excluded.units`,
    [STOCK],
  );
}

interface Availability {
  sku: string;
  name: string;
  price: number;
  currency: string;
  stock: Array<{ warehouseId: string; warehouseName: string; units: number }>;
}

/** The in-process cache: one entry per product (a promise, so concurrent misses share one read). */
const cache = new Map<string, { expires: number; value: Promise<Availability | null> }>();

function availability(sku: string): Promise<Availability | null> {
  const hit = cache.get(sku);
  if (hit && hit.expires > Date.now()) return hit.value;
  const value = store
    .query<{ name: string; price: string; currency: string; warehouse_id: string | null; warehouse_name: string | null; units: number | null }>(
      `SELECT p.name, p.price, p.currency, w.id AS warehouse_id, w.name AS warehouse_name, s.units
         FROM thin_products p
         LEFT JOIN thin_stock s ON s.sku = p.sku
         LEFT JOIN thin_warehouses w ON w.id = s.warehouse_id
        WHERE p.sku = $1
        ORDER BY s.units DESC NULLS LAST, w.name`,
      [sku],
    )
    .then((rows) =>
      rows.length === 0
        ? null
        : {
            sku,
            name: rows[0].name,
            price: Number(rows[0].price),
            currency: rows[0].currency.trim(),
            stock: rows
              .filter((row) => row.warehouse_id !== null)
              .map((row) => ({ warehouseId: row.warehouse_id!, warehouseName: row.warehouse_name!, units: row.units! })),
          },
    );
  cache.set(sku, { expires: Date.now() + CACHE_TTL_MS, value });
  value.catch(() => cache.delete(sku));
  return value;
}

/** The AVAILABILITY screen's data, as the inventory flow shows it. */
function availabilityData(product: Availability) {
  const withStock = product.stock.filter((level) => level.units > 0);
  const units = withStock.reduce((sum, level) => sum + level.units, 0);
  const warehouse = withStock.length === 0 ? 'None' : withStock.length === 1 ? withStock[0].warehouseName : 'All warehouses';
  return {
    product_id: product.sku,
    product_name: product.name,
    price: product.price,
    price_label: `${product.price.toFixed(2)} ${product.currency}`,
    units_available: units,
    warehouse,
    in_stock: units > 0,
    stock_summary:
      units === 0
        ? 'Out of stock at the moment.'
        : `${units} unit${units === 1 ? '' : 's'} available${withStock.length === 1 ? ` in ${warehouse}` : ` in ${withStock.length} warehouses`}`,
    warehouses: withStock.map((level) => ({ id: level.warehouseId, title: `${level.warehouseName} (${level.units})` })),
  };
}

/** One statement per data request: opens the session on first sight, refuses a completed or expired one. */
async function touchSession(token: string): Promise<boolean> {
  const rows = await store.query(
    `INSERT INTO thin_sessions AS s (token, flow, expires_at) VALUES ($1, 'inventory', now() + interval '${SESSION_TTL}')
     ON CONFLICT (token) DO UPDATE SET seen_at = now() WHERE s.status = 'active' AND s.expires_at > now()
     RETURNING s.status`,
    [token],
  );
  return rows.length === 1;
}

type Reply = { status: 200; body: unknown } | { status: 427; message: string } | { status: 400 };
const screen = (id: string, data: Record<string, unknown>): Reply => ({ status: 200, body: { screen: id, data } });
const REFUSED: Reply = { status: 427, message: 'You have already completed this. Please ask us for a new link if you need to start again.' };

/** Reserves `quantity` units for `token` and completes its session, in one transaction. */
async function reserve(token: string, sku: string, quantity: number, warehouseId: string | null): Promise<Reply> {
  const reservationId = randomUUID();
  const outcome = await store.transaction(async (query) => {
    let [session] = await query<{ status: string; live: boolean }>(
      `SELECT status, expires_at > now() AS live FROM thin_sessions WHERE token = $1 FOR UPDATE`,
      [token],
    );
    if (!session) {
      // Any token is accepted: one never seen opens here (the phone shows AVAILABILITY after a lookup, so this is rare).
      await query(
        `INSERT INTO thin_sessions (token, flow, expires_at) VALUES ($1, 'inventory', now() + interval '${SESSION_TTL}') ON CONFLICT (token) DO NOTHING`,
        [token],
      );
      [session] = await query<{ status: string; live: boolean }>(
        `SELECT status, expires_at > now() AS live FROM thin_sessions WHERE token = $1 FOR UPDATE`,
        [token],
      );
    }
    if (session.status !== 'active' || !session.live) return { commit: false, value: 'refused' as const };
    const [taken] = await query<{ warehouse_id: string }>(
      `UPDATE thin_stock s SET units = s.units - $2
        WHERE s.sku = $1 AND s.units >= $2
          AND s.warehouse_id = (
            SELECT warehouse_id FROM thin_stock
             WHERE sku = $1 AND units >= $2 AND ($3::text IS NULL OR warehouse_id = $3)
             ORDER BY units DESC, warehouse_id
             LIMIT 1
             FOR UPDATE)
        RETURNING s.warehouse_id`,
      [sku, quantity, warehouseId],
    );
    if (!taken) return { commit: false, value: 'insufficient' as const };
    await query(
      `UPDATE thin_sessions SET status = 'completed', completed_at = now(), reservation_id = $2, reserved_sku = $3, reserved_quantity = $4, reserved_warehouse = $5
        WHERE token = $1`,
      [token, reservationId, sku, quantity, taken.warehouse_id],
    );
    return { commit: true, value: taken.warehouse_id };
  });
  if (outcome === 'refused') return REFUSED;
  // Committed or not, the cached stock may be stale now.
  cache.delete(sku);
  if (outcome === 'insufficient') {
    const product = await availability(sku);
    if (!product) return screen('INVENTORY', { error_message: 'That product is no longer available.' });
    const current = availabilityData(product);
    const message = current.in_stock
      ? `Only ${current.units_available} unit${current.units_available === 1 ? ' is' : 's are'} available${warehouseId ? ' there' : ''}. Please reserve fewer.`
      : 'This product is out of stock now.';
    return screen('AVAILABILITY', { ...current, error_message: message });
  }
  return screen('SUCCESS', {
    extension_message_response: { params: { reservation_id: reservationId, product_id: sku, quantity, warehouse: outcome, flow_token: token } },
  });
}

const quantityOf = (value: unknown): number | undefined => {
  const quantity = typeof value === 'string' && /^\d{1,3}$/.test(value.trim()) ? Number(value) : value;
  return typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 1 && quantity <= 100 ? quantity : undefined;
};

async function answer(request: Record<string, any>): Promise<Reply> {
  const { action, flow_token: token } = request;
  const data = request.data && typeof request.data === 'object' ? request.data : {};
  if (action === 'ping') return { status: 200, body: { data: { status: 'active' } } };
  if (action === 'data_exchange' && typeof data.error === 'string') return { status: 200, body: { data: { acknowledged: true } } };
  if (action !== 'INIT' && action !== 'data_exchange') return { status: 400 };
  if (typeof token !== 'string' || token.length === 0 || token.length > 512 || CONTROL_CHARACTER.test(token)) {
    return { status: 427, message: 'This link is not valid. Please ask us for a new one.' };
  }
  // The inventory flow speaks Data API 4.0: its requests carry the token signed with the app secret.
  if (request.version === '4.0' && !tokenSignatureValid(request))
    return { status: 427, message: 'This link is not valid. Please ask us for a new one.' };
  if (action === 'data_exchange' && request.screen === 'AVAILABILITY') {
    const sku = typeof data.product_id === 'string' ? data.product_id.trim().toUpperCase() : '';
    const quantity = quantityOf(data.quantity);
    const warehouse = typeof data.warehouse === 'string' && data.warehouse !== '' ? data.warehouse : null;
    if (SKU.test(sku) && quantity !== undefined) return reserve(token, sku, quantity, warehouse);
    if (!(await touchSession(token))) return REFUSED;
    const product = SKU.test(sku) ? await availability(sku) : null;
    return product
      ? screen('AVAILABILITY', { ...availabilityData(product), error_message: QUANTITY })
      : screen('INVENTORY', { error_message: 'Please choose a product.' });
  }
  if (!(await touchSession(token))) return REFUSED;
  if (action === 'INIT') return screen('INVENTORY', {});
  if (request.screen !== 'INVENTORY') return screen('INVENTORY', { error_message: 'This step is not available right now. Please try again later.' });
  const input = typeof data.product_id === 'string' ? data.product_id.trim() : '';
  if (input.length < 2 || input.length > 64) return screen('INVENTORY', { error_message: 'Please type a product id, for example PROD-99' });
  const sku = input.toUpperCase();
  const product = SKU.test(sku) ? await availability(sku) : null;
  if (!product) return screen('INVENTORY', { error_message: `We could not find a product "${input}". Check the id and try again.` });
  return screen('AVAILABILITY', availabilityData(product));
}

await prepare();
const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
app.removeAllContentTypeParsers();
// The signature is over the exact bytes: the body stays a Buffer.
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

app.get('/lag', async () => lagWindow());
app.get('/stats', async () => {
  const [row] = await store.query<{ completed: number; reserved: number; units: number }>(
    `SELECT (SELECT count(*)::int FROM thin_sessions WHERE status = 'completed') AS completed,
            (SELECT coalesce(sum(reserved_quantity), 0)::int FROM thin_sessions WHERE status = 'completed') AS reserved,
            (SELECT units FROM thin_stock WHERE sku = 'PROD-99' AND warehouse_id = 'LOCAL') AS units`,
  );
  return { ...row, initialUnits: STOCK, database: store.description };
});
app.post('/flows/inventory', async (request, reply) => {
  reply.header('content-type', 'text/plain');
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const opened = openRequest(body, request.headers['x-hub-signature-256'] as string | undefined);
  if ('status' in opened) return reply.code(opened.status).send('');
  try {
    const result = await answer(opened.request);
    if (result.status === 200) return reply.code(200).send(opened.seal(result.body));
    if (result.status === 427) return reply.code(427).send(opened.seal({ error_msg: result.message }));
    return reply.code(400).send('');
  } catch (error) {
    process.stderr.write(`thin-postgres: ${(error as Error).stack ?? error}\n`);
    return reply.code(500).send('');
  }
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write(`ready (${store.description})\n`);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});

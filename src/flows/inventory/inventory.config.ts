import { registerAs } from '@nestjs/config';

import { EnvInt, validateEnv } from '../../config/index.js';

class InventoryEnv {
  @EnvInt({ min: 1, message: 'must be a whole number of milliseconds (at least 1)' })
  INVENTORY_CACHE_TTL_MS?: number;

  @EnvInt({ min: 1, max: 20, message: 'must be a whole number between 1 and 20' })
  INVENTORY_PAGE_SIZE?: number;
}

export const inventoryConfig = registerAs('inventory', () => {
  const env = validateEnv(InventoryEnv);
  return {
    /** How long a product's availability is cached; a reservation invalidates it at once. */
    cacheTtlMs: env.INVENTORY_CACHE_TTL_MS ?? 30_000,
    /** Search results per page (WhatsApp lists should stay short). */
    pageSize: env.INVENTORY_PAGE_SIZE ?? 10,
  };
});

import type { DataSource } from 'typeorm';

/**
 * Runs `sql` (an UPDATE or DELETE of at most `batch` rows, its LIMIT inside) until a pass touches
 * fewer than `batch`: a backlog is worked off in slices, never one long lock. Returns the rows touched.
 */
export async function inSlices(db: DataSource, sql: string, params: unknown[], batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const [, affected] = (await db.query(sql, params)) as [unknown, number];
    total += affected;
    if (affected < batch) return total;
  }
}

import type { EntityManager } from 'typeorm';

/** Demo rows of __table__ (idempotent): applied on the embedded database, with DEMO_DATA=true, and by npm run db:seed. */
export async function seed__Name__(manager: EntityManager): Promise<void> {
  await manager.query(
    `INSERT INTO "__table__" (name, flow_token)
     SELECT 'Demo visitor', 'demo-token' WHERE NOT EXISTS (SELECT 1 FROM "__table__" WHERE flow_token = 'demo-token')`,
  );
}

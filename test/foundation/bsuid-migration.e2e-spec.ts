import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { BusinessScopedUserIds1795300000000 } from '../../migrations/1795300000000-BusinessScopedUserIds.js';
import { startOwnedDatabase, type OwnedDatabase } from '../support/owned-database.js';

/** The rows a deployment has before business-scoped user ids, and what the migration makes of them. */
describe('migration BusinessScopedUserIds: existing rows', () => {
  let database: OwnedDatabase;
  const source = (list: typeof migrations) => new DataSource({ type: 'postgres', url: database.url, migrations: list, logging: false });

  beforeAll(async () => {
    database = await startOwnedDatabase();
  });
  afterAll(async () => database?.destroy());

  it('moves BSUIDs kept as "phone" to user_id, stores session numbers as E.164, and reverts', async () => {
    const at = migrations.indexOf(BusinessScopedUserIds1795300000000);
    expect(at).toBeGreaterThan(0);
    const before = await source(migrations.slice(0, at)).initialize();
    await before.runMigrations();
    const session = (token: string, phone: string | null) =>
      before.query(
        `INSERT INTO flow_sessions (token, flow, phone, issued, expires_at) VALUES ($1, 'inventory', $2, true, now() + interval '1 day')`,
        [token, phone],
      );
    await session('e164', '+351910000000');
    await session('digits', '351910000001');
    await session('grouped', '+351 910 000 002');
    await session('bsuid', 'US.13491208655302741918');
    await session('parent', 'US.ENT.11815799212886844830');
    await session('nobody', null);
    await session('reference', 'crm:42');
    await before.query(
      `INSERT INTO flow_submissions (flow_token, phone, message_id, response) VALUES ('bsuid', 'US.13491208655302741918', 'wamid.A', '{}'), ('e164', '351910000000', 'wamid.B', '{}')`,
    );
    await before.query(
      `INSERT INTO message_statuses (message_id, status, recipient) VALUES ('wamid.C', 'sent', 'BR.1502576394655843'), ('wamid.D', 'sent', '351910000000')`,
    );
    await before.destroy();

    const after = await source(migrations).initialize();
    try {
      expect(await after.runMigrations()).toHaveLength(migrations.length - at);
      const sessions = await after.query(`SELECT token, phone, user_id FROM flow_sessions ORDER BY token`);
      expect(sessions).toEqual([
        { token: 'bsuid', phone: null, user_id: 'US.13491208655302741918' },
        { token: 'digits', phone: '+351910000001', user_id: null },
        { token: 'e164', phone: '+351910000000', user_id: null },
        { token: 'grouped', phone: '+351910000002', user_id: null },
        { token: 'nobody', phone: null, user_id: null },
        { token: 'parent', phone: null, user_id: 'US.ENT.11815799212886844830' },
        { token: 'reference', phone: 'crm:42', user_id: null },
      ]);
      expect(await after.query(`SELECT message_id, phone, user_id, refusal FROM flow_submissions ORDER BY message_id`)).toEqual([
        { message_id: 'wamid.A', phone: null, user_id: 'US.13491208655302741918', refusal: null },
        { message_id: 'wamid.B', phone: '351910000000', user_id: null, refusal: null },
      ]);
      expect(await after.query(`SELECT message_id, recipient, recipient_user_id FROM message_statuses ORDER BY message_id`)).toEqual([
        { message_id: 'wamid.C', recipient: null, recipient_user_id: 'BR.1502576394655843' },
        { message_id: 'wamid.D', recipient: '351910000000', recipient_user_id: null },
      ]);
      // The lookups by person use the partial indexes.
      const indexes = await after.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'flow_sessions' ORDER BY indexname`);
      expect(indexes.map((row: { indexname: string }) => row.indexname)).toEqual(
        expect.arrayContaining(['IDX_flow_sessions_outbound_message', 'IDX_flow_sessions_phone', 'IDX_flow_sessions_user_id']),
      );

      // Back to before it (and before any core migration newer than it).
      for (let i = at; i < migrations.length; i++) await after.undoLastMigration();
      const reverted = await after.query(`SELECT token, phone FROM flow_sessions WHERE token IN ('bsuid', 'digits') ORDER BY token`);
      expect(reverted).toEqual([
        { token: 'bsuid', phone: 'US.13491208655302741918' },
        { token: 'digits', phone: '+351910000001' },
      ]);
    } finally {
      await after.destroy();
    }
  }, 120_000);
});

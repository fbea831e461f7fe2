import pg from 'pg';

const GUARDED = Symbol.for('flowgate.guardedPgClient');

/**
 * BullMQ's Postgres backend builds its LISTEN connection with `new pg.Client()` and drops that
 * client's listeners when it closes it; a socket error arriving afterwards (the database restarting)
 * is then an 'error' event nobody listens to, which ends the process. From here on every
 * `pg.Client` carries a listener of last resort: errors still reach the query or the backend's own
 * handlers, they just can no longer crash the server.
 */
export function guardPgClients(): typeof pg.Client {
  const current = pg.Client as typeof pg.Client & { [GUARDED]?: true };
  if (current[GUARDED]) return current;
  class GuardedClient extends current {
    constructor(...args: ConstructorParameters<typeof pg.Client>) {
      super(...args);
      this.on('error', () => undefined);
    }
  }
  (GuardedClient as unknown as Record<symbol, boolean>)[GUARDED] = true;
  pg.Client = GuardedClient;
  return GuardedClient;
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { afterCommit } from '../database/after-commit.js';
import { databaseConfig } from '../database/database.config.js';
import { toJsonb } from '../database/jsonb.js';
import type { FlowMediaStatus } from './flow-media.entity.js';
import { MediaFetcher, type VerifiedFile } from './media-fetcher.js';
import { MediaRefusedError, refusal } from './media-errors.js';
import type { FlowMediaFile } from '../flow-json/index.js';
import { completionMediaFields, parseMediaField, type CompletionMediaObject, type ParsedMediaObject } from './media-object.js';
import { MediaQueue } from './media-queue.js';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage.js';
import { mediaConfig } from './media.config.js';
import { encryptedSize, pickerMaxBytes } from './picker-limit.js';
import { FlowRegistry } from '../flows-core/server.js';

/** Which session, flow and screen files belong to; handlers get it with `@FlowMediaScope()`. */
export interface MediaScope {
  flow: string;
  flowToken: string;
  screen?: string;
  /** The request's transaction: on the embedded database, the files' rows are written through it. */
  manager?: EntityManager;
}

export interface KeepOptions {
  /** Content types accepted, detected from the bytes: exact (`application/pdf`) or families (`image/*`). */
  allow: readonly string[];
  /** Fewest and most files accepted for the field (Meta's pickers send at most 30). */
  min?: number;
  max?: number;
}

/** A file the service kept (or, for keepLater, is fetching). */
export interface KeptFile {
  id: string;
  field: string;
  fileName: string | null;
  contentType: string | null;
  size: number | null;
  /** SHA-256 of the file, hex. */
  sha256: string | null;
  status: FlowMediaStatus;
}

export interface MediaArrival {
  /** True when every file is stored (none pending, none failed). */
  complete: boolean;
  stored: number;
  pending: number;
  failed: number;
  files: Array<KeptFile & { error: string | null }>;
}

/** What a pending row holds until its background download. */
type PendingReference =
  | { kind: 'data_exchange'; object: FlowMediaFile; allow: readonly string[]; maxBytes?: number }
  | { kind: 'completion'; object: CompletionMediaObject; allow?: readonly string[]; maxBytes?: number };

const COLUMNS = `id, field, file_name AS "fileName", content_type AS "contentType", size, sha256, status`;

/**
 * Files from PhotoPicker and DocumentPicker fields: `keep` fetches and verifies them inside the
 * request, `keepLater` records them for the background job; completion media (`nfm_reply`) are
 * recorded by the webhook worker and fetched the same way. Every kept file has a `flow_media` row
 * and its bytes in the MediaStorage, keyed by their SHA-256.
 */
@Injectable()
export class FlowMedia {
  private readonly logger = new Logger('FlowMedia');
  /** Downloads in progress here, so a request retried while its files still arrive waits for them. */
  private readonly inFlight = new Map<string, Promise<KeptFile>>();
  /** The last holder of each storage key's lock in this process (see `exclusive`). */
  private readonly keyLocks = new Map<string, Promise<void>>();
  /** The last query queued on each request's connection (see `oneAtATime`). */
  private readonly turns = new WeakMap<EntityManager, Promise<unknown>>();

  /**
   * The embedded database serves one transaction at a time, so while a request holds its own, rows
   * written on another connection would wait for it to end: there they go through the request's
   * transaction (and are queued for download once it commits). On Postgres they are written on
   * their own, so what a download verifies after the response budget is still kept for the retry.
   */
  private readonly oneTransactionAtATime: boolean;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly fetcher: MediaFetcher,
    private readonly queue: MediaQueue,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(databaseConfig.KEY) database: ConfigType<typeof databaseConfig>,
    @Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>,
    private readonly modules: ModuleRef,
  ) {
    this.oneTransactionAtATime = database.url === undefined;
  }

  /**
   * Where the rows of `scope`'s files are written (see `oneTransactionAtATime`): the request's
   * transaction while it is open; once it has ended (committed, or abandoned after the budget while
   * a download went on), the pool, which is then free.
   */
  private rows(scope: MediaScope): EntityManager {
    const runner = scope.manager?.queryRunner;
    const open = runner !== undefined && !runner.isReleased && runner.isTransactionActive;
    return this.oneTransactionAtATime && open ? scope.manager! : this.db.manager;
  }

  /**
   * Fetches, verifies and stores the files of `field` now. Refuses the whole field (nothing of it
   * stored by this call) when a file is malformed, damaged, too large, from a refused host or of a
   * type not in `allow`, with a MediaRefusedError whose message the user sees on the current screen.
   * Files already kept for this session (a retried request) are not fetched again. When the
   * response budget runs out first, the downloads go on and (on Postgres) what they verify is kept for the retry.
   */
  async keep(scope: MediaScope, field: string, files: unknown, options: KeepOptions): Promise<KeptFile[]> {
    const parsed = parseMediaField(field, files, options);
    if (parsed.length === 0) return [];
    const maxBytes = this.pickerLimit(scope.flow, scope.screen, field, true);
    const existing = await this.existing(
      this.rows(scope),
      scope.flowToken,
      parsed.map((file) => file.mediaId),
    );
    const abort = new AbortController();
    const committed: KeptFile[] = [];
    const results: KeptFile[] = new Array(parsed.length);
    let refused: MediaRefusedError | undefined;
    let next = 0;
    const work = async () => {
      while (!refused && next < parsed.length) {
        const index = next++;
        const file = parsed[index];
        const known = existing.get(file.mediaId);
        if (known?.status === 'stored') {
          results[index] = known;
          continue;
        }
        try {
          const { kept, created } = await this.keepOne(scope, field, file, options.allow, { signal: abort.signal, maxBytes });
          results[index] = kept;
          if (created) committed.push(kept);
        } catch (error) {
          if (!refused) {
            refused = error instanceof MediaRefusedError ? error : refusal('unavailable', file.fileName, (error as Error).message);
            abort.abort();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, parsed.length) }, work));
    if (refused) {
      await this.giveUp(this.rows(scope), committed);
      this.logger.warn(`Refused ${field} on flow "${scope.flow}" (${refused.reason}): ${refused.detail}`);
      throw refused;
    }
    return results;
  }

  /**
   * Records the files of `field` durably (checked for shape and count now) and queues their
   * download; returns at once. `arrived()` tells later whether they all arrived.
   */
  async keepLater(scope: MediaScope, field: string, files: unknown, options: KeepOptions): Promise<KeptFile[]> {
    const parsed = parseMediaField(field, files, options);
    const raw = (Array.isArray(files) ? files : []) as FlowMediaFile[];
    const maxBytes = this.pickerLimit(scope.flow, scope.screen, field, true);
    const rows: KeptFile[] = [];
    const created: string[] = [];
    for (const [index, file] of parsed.entries()) {
      const reference: PendingReference = { kind: 'data_exchange', object: raw[index], allow: options.allow, maxBytes };
      const [row] = await this.insertPending(this.rows(scope), scope, field, file.mediaId, file.fileName, 'data_exchange', null, reference);
      if (row) {
        rows.push(row);
        created.push(row.id);
      } else {
        rows.push((await this.existing(this.rows(scope), scope.flowToken, [file.mediaId])).get(file.mediaId)!);
      }
    }
    const enqueue = () =>
      this.queue
        .enqueue(created)
        .catch((error: Error) => this.logger.warn(`Queued ${field} downloads later (${error.message}); the reconciler will retry`));
    await afterCommit(this.rows(scope), enqueue);
    return rows;
  }

  /** The files of a session (optionally one field) and whether they all arrived. */
  async arrived(flowToken: string, field?: string): Promise<MediaArrival> {
    const files: Array<KeptFile & { error: string | null }> = await this.db.query(
      `SELECT ${COLUMNS}, error FROM flow_media WHERE flow_token = $1 AND ($2::text IS NULL OR field = $2) ORDER BY created_at, id`,
      [flowToken, field ?? null],
    );
    const count = (status: FlowMediaStatus) => files.filter((file) => file.status === status).length;
    const stored = count('stored');
    return { complete: stored === files.length, stored, pending: count('pending'), failed: count('failed'), files };
  }

  /**
   * Records the media of a completed flow (`nfm_reply`), in the caller's transaction: once per
   * session and media id, so a redelivered message adds nothing. The downloads run in the
   * background once the transaction has committed.
   */
  async recordCompletion(
    manager: EntityManager,
    event: { flow: string; flowToken: string; messageId: string; response: Record<string, unknown> },
  ): Promise<number> {
    const ids: string[] = [];
    for (const { field, files } of completionMediaFields(event.response)) {
      for (const file of files) {
        const scope = { flow: event.flow, flowToken: event.flowToken };
        const [row] = await this.insertPending(manager, scope, field, file.id, file.file_name ?? null, 'completion', event.messageId, {
          kind: 'completion',
          object: file,
          maxBytes: this.pickerLimit(event.flow, undefined, field, false),
        });
        if (row) ids.push(row.id);
      }
    }
    // Not awaited: the queue must not wait on (or, on the embedded database, for) this transaction.
    // The delay lets it commit first; a job that runs too early retries, the reconciler covers a lost one.
    if (ids.length)
      void this.queue.enqueue(ids, { delay: 500 }).catch((error: Error) => this.logger.warn(`Queued completion media later: ${error.message}`));
    return ids.length;
  }

  /**
   * The background download of one pending row. Returns normally when the row is done (stored, or
   * failed for good); throws to be retried. The attempt is counted (committed) before the download:
   * a file whose processing kills the process (memory, a crash) still uses up its attempts, and a
   * row that has used them all is given up without being downloaded again.
   */
  async fetchPending(id: string, finalAttempt: boolean): Promise<'stored' | 'failed' | 'skipped'> {
    // An UPDATE answers [rows, count].
    const [[row]]: [
      Array<{ id: string; attempts: number; reference: PendingReference | null; flow_token: string; file_name: string | null }>,
      number,
    ] = await this.db.query(
      `UPDATE flow_media SET attempts = attempts + 1 WHERE id = $1 AND status = 'pending' AND attempts < $2
       RETURNING id, attempts, reference, flow_token, file_name`,
      [id, this.config.maxAttempts],
    );
    if (!row) {
      const [known]: Array<{ status: string }> = await this.db.query('SELECT status FROM flow_media WHERE id = $1', [id]);
      if (known?.status === 'pending') {
        await this.failExhausted(id);
        return 'failed';
      }
      if (known) return 'skipped';
      // Not committed yet (a completion still in its transaction), or rolled back: try again later.
      if (finalAttempt) return 'skipped';
      throw new Error(`flow_media row ${id} is not visible yet`);
    }
    const lastAttempt = finalAttempt || row.attempts >= this.config.maxAttempts;
    const reference = row.reference;
    try {
      if (!reference) throw refusal('invalid', undefined, 'the pending row has no reference');
      const verified =
        reference.kind === 'data_exchange'
          ? await this.fetcher.fetchEncrypted(parseMediaField('file', [reference.object])[0], reference.allow, {
              maxBytes: reference.maxBytes,
              owner: row.flow_token,
            })
          : await this.fetcher.fetchFromCloudApi(reference.object, reference.allow, reference.maxBytes, row.flow_token);
      await this.exclusive(verified.sha256, this.db.manager, async (locked) => {
        await this.putVerified(verified, row.file_name ?? undefined);
        await locked.query(
          `UPDATE flow_media SET status = 'stored', content_type = $2, size = $3, sha256 = $4, storage_key = $4, reference = NULL, error = NULL, stored_at = now()
          WHERE id = $1 AND status = 'pending'`,
          [id, verified.contentType, verified.size, verified.sha256],
        );
      });
      return 'stored';
    } catch (error) {
      const refused = error instanceof MediaRefusedError ? error : refusal('unavailable', undefined, (error as Error).message);
      if (!refused.permanent && !lastAttempt) {
        await this.db.query('UPDATE flow_media SET error = $2 WHERE id = $1', [id, `${refused.reason}: ${refused.detail}`.slice(0, 500)]);
        throw refused;
      }
      await this.db.query(`UPDATE flow_media SET status = 'failed', reference = NULL, error = $2 WHERE id = $1 AND status = 'pending'`, [
        id,
        `${refused.reason}: ${refused.detail}`.slice(0, 500),
      ]);
      this.logger.warn(`Gave up media ${id} (${refused.reason}): ${refused.detail}`);
      return 'failed';
    }
  }

  /**
   * Gives up pending rows (one, or all) whose attempts are used up: their last attempt never recorded
   * an outcome, so the process died while working on them. Returns how many.
   */
  async failExhausted(id?: string): Promise<number> {
    const [rows]: [Array<{ id: string }>, number] = await this.db.query(
      `UPDATE flow_media SET status = 'failed', reference = NULL,
         error = 'unavailable: gave up after ' || attempts || ' attempts; the last did not finish (the process stopped while fetching it)'
       WHERE status = 'pending' AND attempts >= $1 AND ($2::uuid IS NULL OR id = $2) RETURNING id`,
      [this.config.maxAttempts, id ?? null],
    );
    for (const row of rows) this.logger.warn(`Gave up media ${row.id} (unavailable): its attempts are used up`);
    return rows.length;
  }

  /** Pending rows older than `olderThanS` seconds with attempts left, for the reconciler. */
  async pendingIds(olderThanS: number, limit = 500): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM flow_media WHERE status = 'pending' AND attempts < $3 AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanS, limit, this.config.maxAttempts],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The cap for a file of `field` from its picker in the flow's Flow JSON (`max-file-size-kb`, else
   * Meta's 25 MiB), as the CDN stores it (`encrypted`) or as the Cloud API serves it; undefined when
   * the flow has no such picker (FLOW_MEDIA_MAX_BYTES alone applies).
   */
  private pickerLimit(flow: string, screen: string | undefined, field: string, encrypted: boolean): number | undefined {
    let registry: FlowRegistry;
    try {
      registry = this.modules.get(FlowRegistry, { strict: false });
    } catch {
      return undefined; // an app without the flows core (a tool): FLOW_MEDIA_MAX_BYTES alone
    }
    const plain = pickerMaxBytes(registry.get(flow)?.contract.flowJson, screen, field);
    return plain === undefined ? undefined : encrypted ? encryptedSize(plain) : plain;
  }

  private get concurrency(): number {
    return this.fetcher.concurrency;
  }

  /** Downloads one file (or joins the download already running for it) and records it as stored. */
  private keepOne(
    scope: MediaScope,
    field: string,
    file: ParsedMediaObject,
    allow: readonly string[],
    limits: { signal: AbortSignal; maxBytes?: number },
  ) {
    const key = `${scope.flowToken}\u0000${file.mediaId}`;
    const running = this.inFlight.get(key);
    if (running) return running.then((kept) => ({ kept, created: false }));
    const download = (async () => {
      const verified = await this.fetcher.fetchEncrypted(file, allow, { ...limits, owner: scope.flowToken });
      return this.store(scope, field, file, verified);
    })();
    this.inFlight.set(key, download);
    void download.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    return download.then((kept) => ({ kept, created: true }));
  }

  private async store(scope: MediaScope, field: string, file: ParsedMediaObject, verified: VerifiedFile): Promise<KeptFile> {
    // The file and the row that keeps it are written under the key's lock: a concurrent giveUp of the
    // same content (another upload of the same bytes) cannot remove the file between the two.
    return this.exclusive(verified.sha256, this.rows(scope), async (locked) => {
      await this.putVerified(verified, file.fileName);
      const [row]: KeptFile[] = await this.oneAtATime(locked, (rows) =>
        rows.query(
          `INSERT INTO flow_media (flow, flow_token, screen, field, source, media_id, file_name, content_type, size, sha256, storage_key, status, stored_at)
       VALUES ($1, $2, $3, $4, 'data_exchange', $5, $6, $7, $8, $9, $9, 'stored', now())
       ON CONFLICT (flow_token, media_id) DO UPDATE SET status = 'stored', content_type = EXCLUDED.content_type, size = EXCLUDED.size,
         sha256 = EXCLUDED.sha256, storage_key = EXCLUDED.storage_key, reference = NULL, error = NULL, stored_at = now()
       RETURNING ${COLUMNS}`,
          [
            scope.flow,
            scope.flowToken,
            scope.screen ?? null,
            field,
            file.mediaId,
            file.fileName,
            verified.contentType,
            verified.size,
            verified.sha256,
          ],
        ),
      );
      return row;
    });
  }

  /**
   * Stores a verified download; a file verified before (no temporary file) must still be in the store,
   * else it is forgotten and the user asked to try again (which downloads it).
   */
  private async putVerified(verified: VerifiedFile, fileName: string | undefined): Promise<void> {
    if (verified.tempPath) return this.storage.put(verified.sha256, verified.tempPath, verified);
    if (await this.storage.has(verified.sha256)) return;
    this.fetcher.forget(verified.fingerprint);
    throw refusal('unavailable', fileName, 'a file verified before is no longer in the store');
  }

  /**
   * Runs `work` holding the lock of storage key `key`: within this process (a queue per key) and, on
   * Postgres, across processes (an advisory lock held by a transaction `work`'s queries run in). On the
   * embedded database (one process, one transaction at a time) `work` gets `rows` as it is.
   */
  private async exclusive<T>(key: string, rows: EntityManager, work: (locked: EntityManager) => Promise<T>): Promise<T> {
    const previous = this.keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.keyLocks.set(key, mine);
    await previous;
    try {
      if (this.oneTransactionAtATime) return await work(rows);
      return await this.db.transaction(async (locked) => {
        // The first 64 bits of the SHA-256 name the lock.
        await locked.query('SELECT pg_advisory_xact_lock($1::bigint)', [BigInt.asIntN(64, BigInt(`0x${key.slice(0, 16)}`)).toString()]);
        return work(locked);
      });
    } finally {
      release();
      if (this.keyLocks.get(key) === mine) this.keyLocks.delete(key);
    }
  }

  /**
   * Runs the queries of parallel downloads one after another when they share a request's connection
   * (a pg client runs one query at a time and warns when handed several); the pool's run at once.
   */
  private oneAtATime<T>(rows: EntityManager, query: (rows: EntityManager) => Promise<T>): Promise<T> {
    if (rows === this.db.manager) return query(rows);
    const turn = (this.turns.get(rows) ?? Promise.resolve()).catch(() => undefined).then(() => query(rows));
    this.turns.set(rows, turn);
    return turn;
  }

  /** Undoes the files this call stored (another file of the field was refused). */
  private async giveUp(rows: EntityManager, committed: KeptFile[]): Promise<void> {
    if (committed.length === 0) return;
    const ids = committed.map((file) => file.id);
    await this.oneAtATime(rows, (manager) => manager.query(`DELETE FROM flow_media WHERE id = ANY($1::uuid[])`, [ids]));
    for (const key of new Set(committed.map((file) => file.sha256!))) {
      // Under the key's lock: another upload of the same bytes either has its row already (the file
      // stays) or writes the file again after this removal.
      await this.exclusive(key, rows, async (locked) => {
        const [used] = await this.oneAtATime(locked, (manager) => manager.query('SELECT 1 FROM flow_media WHERE storage_key = $1 LIMIT 1', [key]));
        if (!used) await this.storage.remove(key);
      });
    }
  }

  private async existing(manager: EntityManager, flowToken: string, mediaIds: string[]): Promise<Map<string, KeptFile>> {
    const rows: Array<KeptFile & { mediaId: string }> = await manager.query(
      `SELECT ${COLUMNS}, media_id AS "mediaId" FROM flow_media WHERE flow_token = $1 AND media_id = ANY($2::text[])`,
      [flowToken, mediaIds],
    );
    return new Map(rows.map((row) => [row.mediaId, row]));
  }

  private insertPending(
    manager: EntityManager,
    scope: MediaScope,
    field: string,
    mediaId: string,
    fileName: string | null,
    source: 'data_exchange' | 'completion',
    messageId: string | null,
    reference: PendingReference,
  ): Promise<KeptFile[]> {
    return manager.query(
      `INSERT INTO flow_media (flow, flow_token, screen, field, source, media_id, message_id, file_name, status, reference)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
       ON CONFLICT (flow_token, media_id) DO NOTHING RETURNING ${COLUMNS}`,
      [scope.flow, scope.flowToken, scope.screen ?? null, field, source, mediaId, messageId, fileName, toJsonb(reference)],
    );
  }
}

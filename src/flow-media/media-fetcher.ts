import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Metrics } from '../metrics/metrics.service.js';
import { GraphApiClient, GraphApiError } from '../graph-api/index.js';
import { detectContentType, typeAllowed } from './content-type.js';
import { DownloadBudget } from './download-budget.js';
import { MEDIA_STORAGE, type MediaStorage } from './media-storage.js';
import { mediaConfig } from './media.config.js';
import { EncryptedMediaReader } from './media-crypto.js';
import { MediaRefusedError, refusal, type MediaFailure } from './media-errors.js';
import type { CompletionMediaObject, ParsedMediaObject } from './media-object.js';
import { secureDownload, type DownloadPolicy } from './secure-download.js';

/**
 * A downloaded file that passed every check, waiting in a temporary file to be stored; or (`tempPath`
 * empty) one verified before, already in the store.
 */
export interface VerifiedFile {
  tempPath: string;
  /** Names the media object (hashes and keys) it came from. */
  fingerprint?: string;
  sha256: string;
  size: number;
  contentType: string;
}

export type MediaSourceLabel = 'data_exchange' | 'completion';

/** What became of a media object: verified (and stored), or refused for what its bytes are. */
type Outcome = { sha256: string; size: number; contentType: string } | { reason: MediaFailure; detail: string; at: number; cap: number };
/** Media objects whose outcome is remembered, at most (the oldest are forgotten first). */
const MAX_OUTCOMES = 10_000;
/** How long a refusal is remembered (a verified file is remembered until forgotten for room). */
const REMEMBER_REFUSED_MS = 60 * 60 * 1000;

/** Metric results: the download failures by kind, plus `ok`. */
const RESULT_OF: Record<MediaFailure, string> = {
  hash_mismatch: 'hash_mismatch',
  mac_mismatch: 'mac_mismatch',
  too_large: 'too_large',
  host_refused: 'host_refused',
  timeout: 'timeout',
  not_found: 'not_found',
  invalid: 'invalid',
  type_refused: 'type_refused',
  unavailable: 'unavailable',
};

/**
 * Downloads and checks one file: the encrypted CDN file of a data_exchange upload (hashes, MAC,
 * decryption), or a completion's Cloud API media (media endpoint, then the file, then its SHA-256).
 * Either way the real content type is read from the bytes and must be allowed.
 */
@Injectable()
export class MediaFetcher {
  readonly policy: DownloadPolicy;
  /** Media objects verified or refused by this process, by fingerprint (hashes and keys). */
  private readonly outcomes = new Map<string, Outcome>();

  constructor(
    @Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>,
    private readonly graph: GraphApiClient,
    private readonly metrics: Metrics,
    private readonly budget: DownloadBudget,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {
    this.policy = {
      hosts: config.hosts,
      maxBytes: config.maxBytes,
      timeoutMs: config.timeoutMs,
      allowLoopback: config.allowLoopback,
      // Node's `ca` replaces the usual roots: keep them, so WhatsApp's CDN stays trusted beside a local one.
      ca: config.devCa ? [...rootCertificates, config.devCa] : undefined,
    };
  }

  /** Downloads one `keep` call runs at once. */
  get concurrency(): number {
    return this.config.concurrency;
  }

  get incomingDir(): string {
    return join(this.config.dir, '.incoming');
  }

  /**
   * Removes temporary files a stopped process left in the incoming folder: those untouched for longer
   * than any download may take (FLOW_MEDIA_TIMEOUT_MS, plus a minute to verify and store it), so the
   * downloads of another process sharing the folder are left alone. Runs at boot and with the reconciler.
   */
  async sweepIncoming(now = Date.now()): Promise<number> {
    const olderThan = now - this.config.timeoutMs - 60_000;
    let removed = 0;
    const names = await readdir(this.incomingDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.incomingDir, name);
      const info = await stat(path).catch(() => undefined);
      if (
        info?.isFile() &&
        info.mtimeMs < olderThan &&
        (await unlink(path).then(
          () => true,
          () => false,
        ))
      )
        removed++;
    }
    return removed;
  }

  /**
   * A data_exchange upload, decrypted and verified. `maxBytes` (the picker's own limit, as stored on
   * the CDN) applies when lower than FLOW_MEDIA_MAX_BYTES. `owner` (the flow token) is who the
   * download counts against in the budget. A media object this process already verified (the same
   * hashes and keys) is not downloaded again: `tempPath` is then empty and the file is in the store
   * under `sha256`. One it refused for what its bytes are is refused again without a download.
   */
  async fetchEncrypted(
    media: ParsedMediaObject,
    allow: readonly string[] | undefined,
    options: { signal?: AbortSignal; maxBytes?: number; owner?: string } = {},
  ): Promise<VerifiedFile> {
    const policy = this.limited(options.maxBytes);
    const fingerprint = createHash('sha256')
      .update(media.encryptedHash)
      .update(media.plaintextHash)
      .update(media.iv)
      .update(media.key)
      .update(media.hmacKey)
      .digest('hex');
    let known = this.outcomes.get(fingerprint);
    // A verified file whose stored copy was given up since (its field was refused) is downloaded again.
    if (known && 'sha256' in known && !(await this.storage.has(known.sha256))) {
      this.forget(fingerprint);
      known = undefined;
    }
    if (known && 'sha256' in known) {
      if (allow && !typeAllowed(known.contentType, allow))
        throw refusal('type_refused', media.fileName, `detected ${known.contentType}, allowed ${allow.join(', ')}`);
      return { tempPath: '', sha256: known.sha256, size: known.size, contentType: known.contentType, fingerprint };
    }
    if (known && Date.now() - known.at < REMEMBER_REFUSED_MS && (known.reason !== 'too_large' || policy.maxBytes <= known.cap)) {
      throw refusal(known.reason, media.fileName, `${known.detail} (refused before; not downloaded again)`);
    }
    const owner = options.owner ?? '';
    const release = await this.budget.acquire(owner, policy.maxBytes, media.fileName, options.signal);
    let received = 0;
    let declared = 0;
    try {
      const verified = await this.measured(
        'data_exchange',
        async (temp) => {
          const reader = new EncryptedMediaReader(media, (plaintext) => temp.write(plaintext));
          await secureDownload(media.url, policy, {
            fileName: media.fileName,
            signal: options.signal,
            onDeclared: (bytes) => (declared = bytes),
            onChunk: (chunk) => {
              received += chunk.length;
              reader.update(chunk);
            },
          });
          const { plaintextSha256 } = reader.finish();
          return { sha256: plaintextSha256.toString('hex'), size: reader.plaintextBytes };
        },
        media.fileName,
        allow,
        (contentType, sha256, size) => this.remember(fingerprint, { sha256, size, contentType }),
      );
      return { ...verified, fingerprint };
    } catch (error) {
      // What a refused file or a cancelled download (another file of the field was refused) cost
      // counts against its session, at the size the CDN announced (it sends that much whatever is read);
      // a slow or failing CDN does not.
      if (error instanceof MediaRefusedError && (error.permanent || options.signal?.aborted) && error.reason !== 'type_refused') {
        this.budget.chargeRefused(owner, Math.max(received, declared));
      }
      if (error instanceof MediaRefusedError && error.permanent && error.reason !== 'type_refused') {
        this.remember(fingerprint, { reason: error.reason, detail: error.detail, at: Date.now(), cap: policy.maxBytes });
      }
      throw error;
    } finally {
      release();
    }
  }

  /** Forgets a verified media object (its stored file is gone): the next one is downloaded. */
  forget(fingerprint: string | undefined): void {
    if (fingerprint) this.outcomes.delete(fingerprint);
  }

  private remember(fingerprint: string, outcome: Outcome): void {
    this.outcomes.delete(fingerprint);
    this.outcomes.set(fingerprint, outcome);
    if (this.outcomes.size > MAX_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value!);
  }

  /** The download policy with `maxBytes` as the cap when it is lower than FLOW_MEDIA_MAX_BYTES. */
  private limited(maxBytes: number | undefined): DownloadPolicy {
    return maxBytes !== undefined && maxBytes < this.policy.maxBytes ? { ...this.policy, maxBytes } : this.policy;
  }

  /** A completion's media through the Cloud API: GET /{id} for the link, then the file with the same token. */
  async fetchFromCloudApi(media: CompletionMediaObject, allow: readonly string[] | undefined, maxBytes?: number, owner = ''): Promise<VerifiedFile> {
    const policy = this.limited(maxBytes);
    const release = await this.budget.acquire(owner, policy.maxBytes, media.file_name);
    try {
      return await this.fetchCloudFile(media, allow, policy);
    } finally {
      release();
    }
  }

  private fetchCloudFile(media: CompletionMediaObject, allow: readonly string[] | undefined, policy: DownloadPolicy): Promise<VerifiedFile> {
    return this.measured(
      'completion',
      async (temp) => {
        const token = this.graph.settings.accessToken;
        if (!token) throw refusal('unavailable', media.file_name, 'WHATSAPP_ACCESS_TOKEN is not set: completion media cannot be fetched');
        let meta: { url?: unknown; sha256?: unknown; file_size?: unknown };
        try {
          meta = await this.graph.request<typeof meta>('GET', encodeURIComponent(media.id), {
            maxTotalMs: Math.min(this.graph.settings.maxTotalMs, this.config.timeoutMs),
          });
        } catch (error) {
          const status = error instanceof GraphApiError ? error.status : 0;
          if (status === 404 || status === 400)
            throw refusal('not_found', media.file_name, `the media endpoint answered ${status} for media ${media.id}`);
          throw refusal('unavailable', media.file_name, `the media endpoint failed for media ${media.id}: ${(error as Error).message}`);
        }
        if (typeof meta?.url !== 'string') throw refusal('invalid', media.file_name, `the media endpoint gave no url for media ${media.id}`);
        const declared = Number(meta.file_size);
        if (Number.isFinite(declared) && declared > policy.maxBytes)
          throw refusal('too_large', media.file_name, `media ${media.id} is ${declared} bytes`);
        let url: URL;
        try {
          url = new URL(meta.url);
        } catch {
          throw refusal('invalid', media.file_name, `the media endpoint gave an invalid url for media ${media.id}`);
        }
        const hash = createHash('sha256');
        let size = 0;
        await secureDownload(url, policy, {
          fileName: media.file_name,
          bearer: token,
          onChunk: (chunk) => {
            size += chunk.length;
            hash.update(chunk);
            temp.write(chunk);
          },
        });
        const digest = hash.digest();
        // The webhook gives base64, the media endpoint hex: both must match what arrived.
        for (const expected of [meta.sha256, media.sha256]) {
          if (typeof expected === 'string' && expected && !sameDigest(digest, expected)) {
            throw refusal('hash_mismatch', media.file_name, `media ${media.id} does not match its sha256`);
          }
        }
        return { sha256: digest.toString('hex'), size };
      },
      media.file_name,
      allow,
    );
  }

  /** Runs a download into a fresh temporary file; records the metrics; removes the file on failure. */
  private async measured(
    source: MediaSourceLabel,
    download: (temp: WriteStream) => Promise<{ sha256: string; size: number }>,
    fileName: string | undefined,
    allow: readonly string[] | undefined,
    onVerified?: (contentType: string, sha256: string, size: number) => void,
  ): Promise<VerifiedFile> {
    const started = performance.now();
    await mkdir(this.incomingDir, { recursive: true, mode: 0o700 });
    const tempPath = join(this.incomingDir, `${randomUUID()}.part`);
    const temp = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
    const closed = new Promise<void>((resolve, reject) => {
      temp.once('close', resolve);
      temp.once('error', reject);
    });
    try {
      const { sha256, size } = await download(temp);
      temp.end();
      await closed;
      const contentType = await detectContentType(tempPath, allow);
      onVerified?.(contentType, sha256, size);
      if (allow && !typeAllowed(contentType, allow)) throw refusal('type_refused', fileName, `detected ${contentType}, allowed ${allow.join(', ')}`);
      this.metrics.mediaDownloads.inc({ source, result: 'ok' });
      this.metrics.mediaBytes.inc({ source }, size);
      this.metrics.mediaDownloadDuration.observe({ source }, (performance.now() - started) / 1000);
      return { tempPath, sha256, size, contentType };
    } catch (error) {
      temp.destroy();
      await closed.catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      const refused = error instanceof MediaRefusedError ? error : refusal('unavailable', fileName, (error as Error).message);
      this.metrics.mediaDownloads.inc({ source, result: RESULT_OF[refused.reason] });
      this.metrics.mediaDownloadDuration.observe({ source }, (performance.now() - started) / 1000);
      throw refused;
    }
  }
}

function sameDigest(digest: Buffer, expected: string): boolean {
  const trimmed = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return digest.toString('hex') === trimmed.toLowerCase();
  return digest.toString('base64') === trimmed;
}

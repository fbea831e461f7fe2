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
import { mediaConfig } from './media.config.js';
import { EncryptedMediaReader } from './media-crypto.js';
import { MediaRefusedError, refusal, type MediaFailure } from './media-errors.js';
import type { CompletionMediaObject, ParsedMediaObject } from './media-object.js';
import { secureDownload, type DownloadPolicy } from './secure-download.js';

/** A downloaded file that passed every check, waiting in a temporary file to be stored. */
export interface VerifiedFile {
  tempPath: string;
  sha256: string;
  size: number;
  contentType: string;
}

export type MediaSourceLabel = 'data_exchange' | 'completion';

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

  constructor(
    @Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>,
    private readonly graph: GraphApiClient,
    private readonly metrics: Metrics,
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
   * the CDN) applies when lower than FLOW_MEDIA_MAX_BYTES.
   */
  fetchEncrypted(
    media: ParsedMediaObject,
    allow: readonly string[] | undefined,
    options: { signal?: AbortSignal; maxBytes?: number } = {},
  ): Promise<VerifiedFile> {
    const policy = this.limited(options.maxBytes);
    return this.measured(
      'data_exchange',
      async (temp) => {
        const reader = new EncryptedMediaReader(media, (plaintext) => temp.write(plaintext));
        await secureDownload(media.url, policy, { fileName: media.fileName, signal: options.signal, onChunk: (chunk) => reader.update(chunk) });
        const { plaintextSha256 } = reader.finish();
        return { sha256: plaintextSha256.toString('hex'), size: reader.plaintextBytes };
      },
      media.fileName,
      allow,
    );
  }

  /** The download policy with `maxBytes` as the cap when it is lower than FLOW_MEDIA_MAX_BYTES. */
  private limited(maxBytes: number | undefined): DownloadPolicy {
    return maxBytes !== undefined && maxBytes < this.policy.maxBytes ? { ...this.policy, maxBytes } : this.policy;
  }

  /** A completion's media through the Cloud API: GET /{id} for the link, then the file with the same token. */
  fetchFromCloudApi(media: CompletionMediaObject, allow: readonly string[] | undefined, maxBytes?: number): Promise<VerifiedFile> {
    const policy = this.limited(maxBytes);
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

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { flowsConfig } from '../flows.config.js';
import { FlowKeyRing } from './flow-key-ring.js';

/** The symlink through which the kubelet swaps a mounted Secret's files all at once. */
const KUBERNETES_DATA_LINK = '..data';
const DEBOUNCE_MS = 250;

/**
 * Reloads the key ring (and with it the app secrets kept in files) when the files of a mounted
 * Secret change. The kubelet never writes a key file in place: it writes a new timestamped folder,
 * points a temporary link at it and renames that link over `..data`, through which every file name
 * resolves. A watch on a key file sees one delete, then nothing; a watch on the folder sees only
 * `..data`-style names. So the folder is watched for any change, the content of every file is
 * compared with what was last loaded, and a poll does the same in case an event is missed.
 * On with FLOW_SECRETS_WATCH=true, or (`auto`) when a key or secret file lives in such a volume.
 */
@Injectable()
export class SecretDirectoryWatch implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SecretDirectoryWatch.name);
  private readonly files: string[];
  private watchers: FSWatcher[] = [];
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private loaded = '';

  constructor(
    private readonly ring: FlowKeyRing,
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
  ) {
    const files = [...ring.credentials.keys.map((source) => source.file), config.appSecretFile, config.appSecretPreviousFile];
    this.files = [...new Set(files.filter((file): file is string => Boolean(file)).map((file) => resolve(file)))];
  }

  /** Whether the folders are watched: asked for, or a folder is a mounted Kubernetes volume. */
  get enabled(): boolean {
    if (this.config.secretsWatch !== 'auto') return this.config.secretsWatch === 'true' && this.files.length > 0;
    return this.folders().some((dir) => existsSync(join(dir, KUBERNETES_DATA_LINK)));
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.loaded = this.contentDigest();
    for (const dir of this.folders()) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.schedule());
        watcher.on('error', (error) => this.logger.warn(`Stopped watching ${dir}: ${error.message} (still polled)`));
        this.watchers.push(watcher);
      } catch (error) {
        this.logger.warn(`Cannot watch ${dir} (${(error as Error).message}); polling it every ${this.config.secretsPollIntervalS} s`);
      }
    }
    this.poll = setInterval(() => this.check(), this.config.secretsPollIntervalS * 1000).unref();
    this.logger.log(`Watching ${this.folders().join(', ')} for new keys and app secrets (polled every ${this.config.secretsPollIntervalS} s)`);
  }

  onModuleDestroy(): void {
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  /** Reloads when the files' content differs from what was loaded last; returns whether it did. */
  check(): boolean {
    const now = this.contentDigest();
    if (now === this.loaded) return false;
    this.loaded = now;
    this.ring.reload('secret files changed');
    // The files changed again while they were being read: read them once more.
    if (this.contentDigest() !== this.loaded) this.schedule();
    return true;
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.check(), DEBOUNCE_MS);
  }

  private folders(): string[] {
    return [...new Set(this.files.map((file) => dirname(file)))];
  }

  /**
   * One digest of every file's content (a missing file counts as absent). Read between two looks at
   * the `..data` links, so a swap in the middle of the reads is read again rather than half seen.
   */
  private contentDigest(): string {
    for (let attempt = 0; ; attempt++) {
      const before = this.dataLinks();
      const hash = createHash('sha256');
      for (const file of this.files) {
        hash.update(file).update('\0');
        try {
          hash.update(readFileSync(file));
        } catch (error) {
          hash.update(`<${(error as NodeJS.ErrnoException).code ?? 'unreadable'}>`);
        }
        hash.update('\0');
      }
      if (this.dataLinks() === before || attempt >= 3) return hash.digest('hex');
    }
  }

  private dataLinks(): string {
    return this.folders()
      .map((dir) => {
        try {
          return readlinkSync(join(dir, KUBERNETES_DATA_LINK));
        } catch {
          return '';
        }
      })
      .join('\0');
  }
}

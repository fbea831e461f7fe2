import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ConfigValidationError } from '../../config/config-validation-error.js';
import { flowsConfig, type FlowsConfig } from '../flows.config.js';
import { ensureDevCredentials, type DevCredentials } from './dev-credentials.js';
import { loadRing, type KeySource, type RingKey } from './ring-key.js';

export interface ReloadResult {
  ok: boolean;
  fingerprints: string[];
  error?: string;
}

/** The configured credentials, completed: what the ring reads, and the app secret. */
export interface FlowCredentials {
  keys: KeySource[];
  appSecret: string;
  /** Set when development credentials were generated or reused. */
  dev?: DevCredentials;
}

/**
 * The one place credentials are completed: outside production (where the configuration requires
 * them), a missing key or app secret is generated once into the dev keys folder and reused.
 */
export function flowCredentials(config: FlowsConfig): FlowCredentials {
  const dev = !config.currentKey || !config.appSecret ? ensureDevCredentials(config.devKeysDir) : undefined;
  const current: KeySource = config.currentKey ?? { label: 'current', variable: 'FLOW_DEV_KEYS_DIR', file: dev!.privateKeyFile };
  return { keys: config.previousKey ? [current, config.previousKey] : [current], appSecret: config.appSecret ?? dev!.appSecret, dev };
}

/** Parses the configured keys; a bad key or passphrase is a configuration error, one line naming the variable. */
export function loadConfiguredRing(keys: KeySource[]): RingKey[] {
  try {
    return loadRing(keys);
  } catch (error) {
    throw new ConfigValidationError(`Invalid configuration: ${(error as Error).message}`);
  }
}

/**
 * The private keys that may decrypt flow requests: the current one, then an optional previous one
 * (kept during a rotation until its traffic reaches zero). Reloads on SIGHUP and when a key file
 * changes; a bad reload keeps the working ring.
 */
@Injectable()
export class FlowKeyRing implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(FlowKeyRing.name);
  /** Also read by AppSecrets: the development app secret is generated with the development key. */
  readonly credentials: FlowCredentials;
  private ring: readonly RingKey[];
  private watchers: FSWatcher[] = [];
  private debounce?: NodeJS.Timeout;
  private readonly onSighup = () => this.reload('SIGHUP');
  private readonly reloadListeners: Array<() => void> = [];

  // Keys are parsed when the ring is built, so a bad one stops the boot before anything starts.
  constructor(@Inject(flowsConfig.KEY) config: ConfigType<typeof flowsConfig>) {
    this.credentials = flowCredentials(config);
    this.ring = loadConfiguredRing(this.credentials.keys);
  }

  onModuleInit(): void {
    this.logRing('Flow key ring loaded');
    const dev = this.credentials.dev;
    if (dev) {
      this.logger.warn(
        `Using development credentials from ${dev.dir} (${dev.created ? 'generated now' : 'reused'}). ` +
          `Upload this public key to WhatsApp (npm run keys -- upload, or Meta's dashboard):\n${this.current().publicKey.export({ type: 'spki', format: 'pem' })}`,
      );
    }
    process.on('SIGHUP', this.onSighup);
    this.watchKeyFiles();
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onSighup);
    clearTimeout(this.debounce);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  current(): RingKey {
    return this.ring[0];
  }

  /** Keys to try, in order. */
  candidates(): readonly RingKey[] {
    return this.ring;
  }

  /** Re-reads every key source; swaps the ring only when all of them load. */
  reload(reason = 'request'): ReloadResult {
    try {
      const next = loadRing(this.credentials.keys);
      this.ring = next;
      this.logRing(`Flow key ring reloaded (${reason})`);
      for (const listener of this.reloadListeners) listener();
      return { ok: true, fingerprints: next.map((key) => key.fingerprint) };
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`Flow key ring reload (${reason}) failed, keeping the working keys: ${message}`);
      return { ok: false, fingerprints: this.ring.map((key) => key.fingerprint), error: message };
    }
  }

  /** Runs `listener` after every successful reload (app secrets kept in files are read again with the keys). */
  onReload(listener: () => void): void {
    this.reloadListeners.push(listener);
  }

  /** Fingerprints by label, for health and logs. */
  describe(): Record<string, string> {
    return Object.fromEntries(this.ring.map((key) => [key.label, key.fingerprint]));
  }

  private logRing(message: string): void {
    this.logger.log(`${message}: ${this.ring.map((key) => `${key.label}=${key.fingerprint}`).join(', ')}`);
  }

  /** Watches the folders of key files (files are often replaced by rename, which a file watch misses). */
  private watchKeyFiles(): void {
    const files = this.credentials.keys.flatMap((source) => (source.file ? [resolve(source.file)] : []));
    const byDir = new Map<string, Set<string>>();
    for (const file of files) {
      const names = byDir.get(dirname(file)) ?? new Set<string>();
      names.add(basename(file));
      byDir.set(dirname(file), names);
    }
    for (const [dir, names] of byDir) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name && names.has(name.toString())) this.scheduleReload();
        });
        watcher.on('error', (error) => this.logger.warn(`Stopped watching ${dir}: ${error.message}`));
        this.watchers.push(watcher);
      } catch (error) {
        this.logger.warn(`Cannot watch ${dir} for key changes (${(error as Error).message}); reload with SIGHUP`);
      }
    }
  }

  private scheduleReload(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.reload('key file changed'), 200);
  }
}

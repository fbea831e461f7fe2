import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed, hostAllowed, redactedUrl } from './address-policy.js';
import { MediaRefusedError, refusal } from './media-errors.js';

export interface DownloadPolicy {
  hosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  allowLoopback: boolean;
  /** Trusted CAs (PEM); unset: the usual roots. */
  ca?: string | string[];
}

export interface DownloadOptions {
  fileName?: string;
  /** Sent only to the first, allow-listed URL; a redirect is never given the token. */
  bearer?: string;
  /** Called with each chunk as it arrives; the body is never held whole in memory. */
  onChunk: (chunk: Buffer) => void;
  /** Aborts the download (another file of the same call was refused). */
  signal?: AbortSignal;
  /** Called with the body's declared length (content-length) once the file's response arrives. */
  onDeclared?: (bytes: number) => void;
}

const MAX_REDIRECTS = 3;

class AddressRefused extends Error {}

/**
 * GET over HTTPS from a host on the allow-list, connecting only to addresses the policy allows
 * (the address checked is the address connected to: the check runs inside the socket's lookup),
 * following at most three redirects, each checked again. The body is streamed to `onChunk` and the
 * download is aborted as soon as it passes `maxBytes` or the deadline.
 */
export async function secureDownload(start: URL, policy: DownloadPolicy, options: DownloadOptions): Promise<{ bytes: number }> {
  const deadline = Date.now() + policy.timeoutMs;
  let url = start;
  for (let hop = 0; ; hop++) {
    checkUrl(url, policy, options.fileName);
    const response = await get(url, policy, deadline, hop === 0 ? options.bearer : undefined, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= MAX_REDIRECTS) throw refusal('host_refused', options.fileName, `more than ${MAX_REDIRECTS} redirects from ${redactedUrl(start)}`);
      try {
        url = new URL(response.headers.location, url);
      } catch {
        throw refusal('invalid', options.fileName, `redirect to an invalid location from ${redactedUrl(url)}`);
      }
      continue;
    }
    if (status === 404 || status === 410 || status === 403) {
      response.resume();
      throw refusal('not_found', options.fileName, `${redactedUrl(url)} answered ${status}`);
    }
    if (status !== 200) {
      response.resume();
      throw refusal('unavailable', options.fileName, `${redactedUrl(url)} answered ${status}`);
    }
    return receive(response, url, policy, deadline, options);
  }
}

function checkUrl(url: URL, policy: DownloadPolicy, fileName?: string): void {
  if (url.protocol !== 'https:') throw refusal('host_refused', fileName, `refused a ${url.protocol} URL (${redactedUrl(url)}): HTTPS only`);
  if (!hostAllowed(url.hostname, policy.hosts)) throw refusal('host_refused', fileName, `host ${url.hostname} is not in FLOW_MEDIA_HOSTS`);
  if (url.username || url.password) throw refusal('host_refused', fileName, `refused a URL with credentials (${redactedUrl(url)})`);
  // Sockets skip the lookup for IP literals, so those are checked here.
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal) && !addressAllowed(literal, policy)) throw refusal('host_refused', fileName, `${literal} is a refused address`);
}

/** DNS lookup that only ever hands the socket an address the policy allows. */
function checkedLookup(policy: DownloadPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      // Every address must be allowed: a name that mixes public and private addresses is refused.
      const refused = addresses.find((entry) => !addressAllowed(entry.address, policy));
      if (refused || addresses.length === 0) return callback(new AddressRefused(`${hostname} resolves to a refused address`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function get(
  url: URL,
  policy: DownloadPolicy,
  deadline: number,
  bearer: string | undefined,
  { fileName, signal }: DownloadOptions,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(refusal('unavailable', fileName, 'download cancelled'));
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(refusal('timeout', fileName, `no answer from ${url.hostname} in time`));
    const options: RequestOptions = {
      method: 'GET',
      lookup: checkedLookup(policy),
      headers: { accept: '*/*', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      ca: policy.ca,
      agent: false,
      timeout: remaining,
    };
    const req = request(url, options, resolve);
    const cancel = () => req.destroy(refusal('unavailable', fileName, 'download cancelled'));
    signal?.addEventListener('abort', cancel, { once: true });
    const timer = setTimeout(() => req.destroy(refusal('timeout', fileName, `no answer from ${url.hostname} in time`)), remaining);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    };
    req.once('response', done);
    req.once('close', done);
    req.once('timeout', () => req.destroy(refusal('timeout', fileName, `no answer from ${url.hostname} in time`)));
    req.once('error', (error) => {
      clearTimeout(timer);
      if (error instanceof MediaRefusedError) return reject(error);
      if (error instanceof AddressRefused) return reject(refusal('host_refused', fileName, error.message));
      reject(refusal('unavailable', fileName, `${url.hostname} could not be reached: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    });
    req.end();
  });
}

function receive(
  response: IncomingMessage,
  url: URL,
  policy: DownloadPolicy,
  deadline: number,
  options: DownloadOptions,
): Promise<{ bytes: number }> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared)) options.onDeclared?.(Math.min(declared, policy.maxBytes));
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      response.destroy();
      return reject(refusal('too_large', options.fileName, `${redactedUrl(url)} declares ${declared} bytes, over the ${policy.maxBytes}-byte limit`));
    }
    let bytes = 0;
    let settled = false;
    const cancel = () => fail(refusal('unavailable', options.fileName, 'download cancelled'));
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', cancel);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settle();
      response.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(refusal('timeout', options.fileName, `${redactedUrl(url)} did not finish in time`)),
      Math.max(0, deadline - Date.now()),
    );
    options.signal?.addEventListener('abort', cancel, { once: true });
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      // Refused while streaming: the rest of the file is never read.
      if (bytes > policy.maxBytes)
        return fail(refusal('too_large', options.fileName, `${redactedUrl(url)} sent more than the ${policy.maxBytes}-byte limit`));
      try {
        options.onChunk(chunk);
      } catch (error) {
        fail(error as Error);
      }
    });
    response.once('aborted', () => fail(refusal('invalid', options.fileName, `${redactedUrl(url)} ended the download early`)));
    response.once('error', (error) => fail(refusal('unavailable', options.fileName, `${redactedUrl(url)} failed: ${error.message}`)));
    response.once('end', () => {
      if (settled) return;
      if (Number.isFinite(declared) && bytes !== declared)
        return fail(refusal('invalid', options.fileName, `${redactedUrl(url)} sent ${bytes} of ${declared} bytes`));
      settle();
      resolve({ bytes });
    });
  });
}

import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { CERT_FILE, KEY_FILE, cdnCertificate } from './cdn-certificate.js';

/** GET https://host:port/ with `ca` trusted (undefined: the usual roots); the status or the TLS error code. */
function get(host: string, port: number, ca: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', ca, agent: false }, (response) => {
      response.resume();
      resolve(String(response.statusCode));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

describe("the preview CDN's certificate", () => {
  const root = mkdtempSync(join(tmpdir(), 'flowgate-cdn-cert-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is made for 127.0.0.1 and localhost with private modes, and a client trusting only its file accepts it', async () => {
    const dir = join(root, 'fresh', 'preview');
    const made = await cdnCertificate(dir);
    expect(made).toMatchObject({ created: true, certFile: join(dir, CERT_FILE) });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(made.certFile, 'utf8')).toBe(made.cert);
    expect(readFileSync(made.certFile, 'utf8')).not.toContain('PRIVATE KEY');
    const parsed = new X509Certificate(made.cert);
    expect(parsed.ca).toBe(false);
    expect(parsed.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(parsed.checkHost('example.com')).toBeUndefined();

    const server = createServer({ key: made.key, cert: made.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const ca = readFileSync(made.certFile, 'utf8');
      expect(await get('127.0.0.1', port, ca)).toBe('200');
      expect(await get('localhost', port, ca)).toBe('200');
      expect(await get('127.0.0.1', port, undefined)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      server.close();
    }
  });

  it('is kept across runs, so the server trusts it once; a loose key mode is tightened', async () => {
    const dir = join(root, 'kept');
    const first = await cdnCertificate(dir);
    chmodSync(join(dir, KEY_FILE), 0o644);
    const second = await cdnCertificate(dir);
    expect(second).toEqual({ ...first, created: false });
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is replaced when a file is damaged or the key is not its own', async () => {
    const dir = join(root, 'damaged');
    const first = await cdnCertificate(dir);
    writeFileSync(join(dir, CERT_FILE), 'not a certificate');
    const second = await cdnCertificate(dir);
    expect(second.created).toBe(true);
    expect(second.cert).not.toBe(first.cert);

    const other = await cdnCertificate(join(root, 'other'));
    writeFileSync(join(dir, KEY_FILE), other.key);
    const third = await cdnCertificate(dir);
    expect(third.created).toBe(true);
    expect(new X509Certificate(third.cert).checkPrivateKey(createPrivateKey(third.key))).toBe(true);
  });
});

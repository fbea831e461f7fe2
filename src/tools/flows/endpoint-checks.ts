import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, rootCertificates, type DetailedPeerCertificate } from 'node:tls';

const TIMEOUT_MS = 10_000;

export interface TlsReport {
  /** OpenSSL's verdict on the chain the server presented (null: trusted). */
  chainError: string | null;
  hostnameError: string | null;
  /** The verified chain, leaf first. */
  chain: Array<{ subject: string; issuer: string; validTo: Date }>;
}

/** Trust anchors: the system's, plus a CA file (tests, private PKI) when given. */
export const trustWith = (extraCa?: string) => (extraCa ? [...rootCertificates, extraCa] : undefined);

export async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}

const nameOf = (entity: Record<string, string | string[] | undefined> | undefined) => String(entity?.CN ?? entity?.O ?? '?');

/**
 * Connects as Meta's servers do: no intermediate is fetched from elsewhere (unlike browsers), so a
 * server that does not send its intermediates fails here with UNABLE_TO_VERIFY_LEAF_SIGNATURE.
 */
export function inspectTls(host: string, port: number, ca?: string[]): Promise<TlsReport> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: isIP(host) ? undefined : host, ca, rejectUnauthorized: false, timeout: TIMEOUT_MS });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${TIMEOUT_MS / 1000} s`)));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate;
      const chain: TlsReport['chain'] = [];
      for (let cert: DetailedPeerCertificate | undefined = leaf; cert?.subject; cert = cert.issuerCertificate) {
        chain.push({ subject: nameOf(cert.subject as never), issuer: nameOf(cert.issuer as never), validTo: new Date(cert.valid_to) });
        if (cert.issuerCertificate === cert || chain.length > 10) break;
      }
      const authorizationError = socket.authorizationError
        ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError)
        : null;
      const identity = leaf?.subject ? checkServerIdentity(host, leaf) : new Error('the server sent no certificate');
      socket.end();
      resolve({ chainError: socket.authorized ? null : authorizationError, hostnameError: identity ? identity.message : null, chain });
    });
  });
}

/** What to do about OpenSSL's verdict, in words. */
export function explainChainError(code: string): string {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'the server does not send the intermediate certificate(s): serve the full chain (leaf + intermediates, e.g. fullchain.pem). Browsers hide this by fetching intermediates; Meta does not';
    case 'CERT_HAS_EXPIRED':
      return 'a certificate of the chain has expired: renew it';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'the certificate is self-signed or from a private CA Meta does not trust: use a public CA (e.g. Let’s Encrypt)';
    default:
      return `the chain is not trusted (${code})`;
  }
}

export interface RawAnswer {
  status: number;
  text: string;
  ms: number;
}

/** One POST with the exact bytes given; https with the trust anchors given (default: the system's). */
export function postRaw(url: URL, body: Buffer, headers: Record<string, string>, ca?: string[]): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, ca, timeout: TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: Math.round(performance.now() - started) }));
      res.on('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s (WhatsApp gives up after 10 s)`)));
    req.once('error', reject);
    req.end(body);
  });
}

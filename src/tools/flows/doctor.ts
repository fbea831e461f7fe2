import { readFileSync } from 'node:fs';
import { decryptResponse, encryptRequest, flowCredentials, flowsConfig, loadConfiguredRing, signBody } from '../../flows-core/testing.js';
import { flowModules } from '../../flows/index.js';
import { localFlowsOf } from '../../meta-flows/local-flows.js';
import { metaFlowsConfig } from '../../meta-flows/meta-flows.config.js';
import { GraphApiError } from '../../graph-api/index.js';
import { CliError } from '../keys/cli-error.js';
import { fetchUploadedKey } from '../keys/graph.js';
import { requireOrigin } from './context.js';
import { explainChainError, inspectTls, postRaw, resolveHost, trustWith } from './endpoint-checks.js';
import { metaErrorText, Output } from './output.js';

const WARN_DAYS = 14;
const DAY_MS = 86_400_000;

const PING_ANSWERS: Record<number, string> = {
  404: 'the server does not serve this flow (is this build deployed there?)',
  421: 'the server could not decrypt the request: its private key is not the configured one',
  432: 'the server refused the signature: its WHATSAPP_APP_SECRET is not the configured one',
};

/**
 * `doctor`: checks the public endpoint the way Meta will call it: DNS, TLS (full chain, hostname,
 * expiry), the key Meta holds for the phone number, and an encrypted, signed ping to each flow.
 */
export async function doctor(options: { url?: string; ca?: string; json?: boolean }): Promise<number> {
  const output = new Output(Boolean(options.json));
  const base = options.url?.replace(/\/+$/, '') ?? metaFlowsConfig().publicUrl;
  if (!base) throw new CliError('PUBLIC_URL is not set (or pass --url https://your.host): the base under which Meta reaches this service');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(`${base} is not a URL`);
  }
  requireOrigin(base, options.url ? '--url' : 'PUBLIC_URL');
  let ca: string[] | undefined;
  if (options.ca) {
    try {
      ca = trustWith(readFileSync(options.ca, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read --ca ${options.ca} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const report: Record<string, unknown> = { url: base };

  // 1. DNS
  try {
    const addresses = await resolveHost(host);
    output.ok(`DNS: ${host} → ${addresses.join(', ')}`);
    report.addresses = addresses;
  } catch (error) {
    output.fail(
      `DNS: ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): publish an A/AAAA record for it`,
    );
    return output.finish(report);
  }

  // 2. TLS, as Meta connects
  if (url.protocol !== 'https:') {
    output.fail(`TLS: ${base} is not https; Meta only calls https endpoints`);
  } else {
    try {
      const tls = await inspectTls(host, port, ca);
      report.tls = tls;
      if (tls.chainError) output.fail(`TLS chain: ${explainChainError(tls.chainError)}`);
      else output.ok(`TLS chain: complete and trusted (${tls.chain.map((cert) => cert.subject).join(' ← ')})`);
      if (tls.hostnameError) output.fail(`TLS hostname: ${tls.hostnameError}: the certificate must name ${host}`);
      else output.ok(`TLS hostname: the certificate names ${host}`);
      for (const cert of tls.chain) {
        const days = Math.floor((cert.validTo.getTime() - Date.now()) / DAY_MS);
        if (days < 0) output.fail(`TLS expiry: ${cert.subject} expired on ${cert.validTo.toISOString().slice(0, 10)}: renew it`);
        else if (days < WARN_DAYS)
          output.warn(
            `TLS expiry: ${cert.subject} expires in ${days} day${days === 1 ? '' : 's'} (${cert.validTo.toISOString().slice(0, 10)}): renew it now`,
          );
        else if (cert === tls.chain[0]) output.ok(`TLS expiry: ${cert.subject} is valid for ${days} more days`);
      }
    } catch (error) {
      output.fail(`TLS: no handshake with ${host}:${port} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  // 3. The key Meta holds for the phone number (what phones encrypt with)
  const flows = flowCredentials(flowsConfig());
  const current = loadConfiguredRing(flows.keys)[0];
  try {
    const uploaded = await fetchUploadedKey();
    report.metaKey = uploaded.fingerprint ?? null;
    if (!uploaded.fingerprint) output.fail(`Meta key: no public key uploaded for the phone number: run npm run keys -- upload`);
    else if (uploaded.fingerprint !== current.fingerprint)
      output.fail(`Meta key: Meta has ${uploaded.fingerprint}, the current key is ${current.fingerprint}: run npm run keys -- upload`);
    else if (uploaded.signatureStatus && uploaded.signatureStatus !== 'VALID')
      output.fail(`Meta key: signature status ${uploaded.signatureStatus}: upload it again (npm run keys -- upload)`);
    else output.ok(`Meta key: the phone number's key is the current key (${current.fingerprint})`);
  } catch (error) {
    if (error instanceof CliError) output.fail(`Meta key: ${error.message}`);
    else if (error instanceof GraphApiError) output.fail(`Meta key: ${metaErrorText(error)}`);
    else throw error;
  }

  // 4. An encrypted, signed ping to each flow, as Meta's health check sends it
  const pings: Array<{ flow: string; ok: boolean; ms?: number }> = [];
  for (const flow of localFlowsOf(flowModules)) {
    const endpoint = new URL(`${base}/flows/${flow.name}`);
    const { envelope, session } = encryptRequest({ version: '3.0', action: 'ping' }, current.publicKey);
    const body = Buffer.from(JSON.stringify(envelope));
    try {
      const answer = await postRaw(
        endpoint,
        body,
        { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, flows.appSecret) },
        ca,
      );
      if (answer.status !== 200) {
        output.fail(`ping ${flow.name}: HTTP ${answer.status} in ${answer.ms} ms: ${PING_ANSWERS[answer.status] ?? 'Meta expects 200'}`);
        pings.push({ flow: flow.name, ok: false, ms: answer.ms });
        continue;
      }
      let reply: unknown;
      try {
        reply = decryptResponse(answer.text, session);
      } catch {
        output.fail(`ping ${flow.name}: the answer does not decrypt with the request's key (is a proxy rewriting the body?)`);
        pings.push({ flow: flow.name, ok: false, ms: answer.ms });
        continue;
      }
      const ok = (reply as { data?: { status?: string } })?.data?.status === 'active';
      if (ok) output.ok(`ping ${flow.name}: answered and decrypted in ${answer.ms} ms`);
      else output.fail(`ping ${flow.name}: decrypted, but the answer is not {"data":{"status":"active"}}`);
      pings.push({ flow: flow.name, ok, ms: answer.ms });
    } catch (error) {
      const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      output.fail(`ping ${flow.name}: ${endpoint.origin} did not answer (${cause})`);
      pings.push({ flow: flow.name, ok: false });
    }
  }
  report.pings = pings;
  return output.finish(report);
}

import { readFileSync } from 'node:fs';
import { decryptResponse, encryptRequest, flowCredentials, flowsConfig, loadConfiguredRing, signBody } from '../../flows-core/testing.js';
import { flowModules } from '../../flows/index.js';
import { localFlowsOf } from '../../meta-flows/local-flows.js';
import { metaFlowsConfig } from '../../meta-flows/meta-flows.config.js';
import { GraphApiError } from '../../graph-api/index.js';
import { CliError } from '../keys/cli-error.js';
import { fetchUploadedKey, type KeyAccount } from '../keys/graph.js';
import { resolveTenant, tenantFlag, tenantGraphToken, tenantSigning } from '../tenant.js';
import { requireOrigin } from './context.js';
import { explainChainError, inspectTls, postRaw, resolveHost, trustWith } from './endpoint-checks.js';
import { metaErrorText, Output } from './output.js';

const WARN_DAYS = 14;
const DAY_MS = 86_400_000;

/** What a refused ping means, and what to fix: for the single-tenant endpoint, or a tenant's. */
function pingProblem(status: number, tenant?: string): string {
  const folder = `TENANTS_DIR/${tenant}`;
  switch (status) {
    case 404:
      return tenant
        ? `the server does not serve tenant "${tenant}" or this flow (is ${folder} on the server, and this build deployed there?)`
        : 'the server does not serve this flow (is this build deployed there?)';
    case 421:
      return tenant
        ? `the server could not decrypt the request: its key for tenant "${tenant}" is not ${folder}/private.pem`
        : 'the server could not decrypt the request: its private key is not the configured one';
    case 432:
      return tenant
        ? `the server refused the signature: its app secret for tenant "${tenant}" is not ${folder}/app-secret`
        : 'the server refused the signature: its WHATSAPP_APP_SECRET is not the configured one';
    default:
      return 'Meta expects 200';
  }
}

/**
 * What doctor checks against: the configured key, app secret and phone number, or with --tenant the
 * tenant's folder (its key, app secret, numbers and token) and its endpoints /flows/<tenant>/<flow>.
 */
function targetOf(tenantName: string | undefined) {
  if (!tenantName) {
    const flows = flowCredentials(flowsConfig());
    return { key: loadConfiguredRing(flows.keys)[0], appSecret: flows.appSecret, accounts: [undefined], path: (flow: string) => `/flows/${flow}` };
  }
  const tenant = resolveTenant(tenantName);
  const accessToken = tenantGraphToken(tenant);
  const { appSecret, ring } = tenantSigning(tenant);
  return {
    tenant: tenant.name,
    key: ring[0],
    appSecret,
    accounts: tenant.phoneNumberIds.map((phoneNumberId): KeyAccount => ({ phoneNumberId, accessToken })),
    path: (flow: string) => `/flows/${tenant.name}/${flow}`,
  };
}

/**
 * `doctor`: checks the public endpoint the way Meta will call it: DNS, TLS (full chain, hostname,
 * expiry), the key Meta holds for the phone number (each of a tenant's numbers with --tenant), and an
 * encrypted, signed ping to each flow.
 */
export async function doctor(options: { url?: string; ca?: string; tenant?: string; json?: boolean }): Promise<number> {
  const output = new Output(Boolean(options.json));
  // A tenant's folder is read first: a tenant that does not exist is one line before any network call.
  const tenantTarget = options.tenant ? targetOf(options.tenant) : undefined;
  const upload = `npm run keys -- upload${tenantFlag(tenantTarget?.tenant)}`;
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
  const report: Record<string, unknown> = { url: base, ...(tenantTarget ? { tenant: tenantTarget.tenant } : {}) };

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

  // 3. The key Meta holds for the phone number (what phones encrypt with), each of a tenant's numbers
  const target = tenantTarget ?? targetOf(undefined);
  const current = target.key;
  const metaKeys: Array<{ phoneNumberId?: string; fingerprint: string | null }> = [];
  for (const account of target.accounts) {
    const where = account ? `Meta key, phone number ${account.phoneNumberId}` : 'Meta key';
    const whose = account ? "the number's" : "the phone number's";
    try {
      const uploaded = await fetchUploadedKey(account);
      metaKeys.push({ ...(account ? { phoneNumberId: account.phoneNumberId } : {}), fingerprint: uploaded.fingerprint ?? null });
      if (!uploaded.fingerprint) output.fail(`${where}: no public key uploaded for the phone number: run ${upload}`);
      else if (uploaded.fingerprint !== current.fingerprint)
        output.fail(`${where}: Meta has ${uploaded.fingerprint}, the current key is ${current.fingerprint}: run ${upload}`);
      else if (uploaded.signatureStatus && uploaded.signatureStatus !== 'VALID')
        output.fail(`${where}: signature status ${uploaded.signatureStatus}: upload it again (${upload})`);
      else output.ok(`${where}: ${whose} key is the current key (${current.fingerprint})`);
    } catch (error) {
      if (error instanceof CliError) output.fail(`${where}: ${error.message}`);
      else if (error instanceof GraphApiError) output.fail(`${where}: ${metaErrorText(error)}`);
      else throw error;
    }
  }
  report.metaKey = tenantTarget ? metaKeys : (metaKeys[0]?.fingerprint ?? null);

  // 4. An encrypted, signed ping to each flow, as Meta's health check sends it
  const pings: Array<{ flow: string; ok: boolean; ms?: number }> = [];
  for (const flow of localFlowsOf(flowModules)) {
    const endpoint = new URL(`${base}${target.path(flow.name)}`);
    const { envelope, session } = encryptRequest({ version: '3.0', action: 'ping' }, current.publicKey);
    const body = Buffer.from(JSON.stringify(envelope));
    try {
      const answer = await postRaw(
        endpoint,
        body,
        { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, target.appSecret) },
        ca,
      );
      if (answer.status !== 200) {
        output.fail(`ping ${flow.name}: HTTP ${answer.status} in ${answer.ms} ms: ${pingProblem(answer.status, tenantTarget?.tenant)}`);
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

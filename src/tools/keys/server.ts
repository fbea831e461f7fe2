import { CliError, UnreachableError } from '../cli/errors.js';

/** The running Flowgate: --url, else FLOWGATE_URL, else localhost on PORT. */
export function serverUrl(option?: string): string {
  const url = option ?? process.env.FLOWGATE_URL ?? `http://localhost:${process.env.PORT || 3000}`;
  return url.replace(/\/+$/, '');
}

/** What is missing to ask the server to reload (empty when nothing is). */
export function adminTokenProblems(): string[] {
  return process.env.ADMIN_TOKEN ? [] : ['ADMIN_TOKEN is not set: it is needed to ask the server to reload its keys (POST /admin/keys/reload)'];
}

export function assertAdminToken(): string {
  const [problem] = adminTokenProblems();
  if (problem) throw new CliError(problem);
  return process.env.ADMIN_TOKEN!;
}

/**
 * Asks the server to re-read its key files (a tenant's files with `tenant`); returns its ring's
 * fingerprints, current first.
 */
export async function reloadServer(url: string, tenant?: string): Promise<string[]> {
  const token = assertAdminToken();
  let response: Response;
  try {
    response = await fetch(`${url}/admin/keys/reload${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    throw new UnreachableError(`cannot reach the server at ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  const body: any = await response.json().catch(() => undefined);
  if (response.status === 200 && body?.ok === true && Array.isArray(body.fingerprints)) return body.fingerprints;
  const reasons: Record<number, string> = {
    401: 'the server refused ADMIN_TOKEN (401): is it the same token the server uses?',
    404:
      tenant && body?.message
        ? `the server has no tenant "${tenant}" (404): is its TENANTS_DIR the same folder?`
        : 'the server has no admin API (404): set ADMIN_TOKEN on the server',
    422: `the server could not load the new key files and keeps its working keys (422: ${body?.message ?? body?.error ?? 'no reason given'})`,
  };
  throw new CliError(reasons[response.status] ?? `the server answered ${response.status}`);
}

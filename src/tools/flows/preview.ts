import { randomBytes } from 'node:crypto';
import { CliError } from '../keys/cli-error.js';
import { issueToken, openCliDatabase } from './cli-database.js';
import { createContext, localFlow, requireRemoteFlow } from './context.js';
import { Output, step } from './output.js';

export interface PreviewOptions {
  positionals: string[];
  interactive?: boolean;
  screen?: string;
  data?: string;
  token?: string;
  phone?: string;
  invalidate?: boolean;
  json?: boolean;
  tenant?: string;
}

/**
 * `preview`: Meta's web preview of the flow. With --interactive the preview talks to our endpoint:
 * `flow_action` data_exchange (INIT) or navigate to --screen, with a flow token the endpoint accepts.
 */
export async function preview(options: PreviewOptions): Promise<number> {
  let data: unknown;
  if (options.data !== undefined) {
    try {
      data = JSON.parse(options.data);
    } catch {
      throw new CliError('--data must be a JSON object, e.g. --data \'{"product_id":"PROD-99"}\'');
    }
  }
  if (data !== undefined && !options.screen) throw new CliError('--data needs --screen (the screen it opens with)');
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  const { preview_url: base, expires_at: expiresAt } = await step('Asking Meta for the preview URL', () =>
    context.client.preview(remote.id, options.invalidate),
  );
  const url = new URL(base);

  if (options.interactive) {
    let token = options.token;
    if (!token && flow.tokens === 'any') token = `preview-${randomBytes(12).toString('base64url')}`;
    if (!token && context.tenant) {
      // A token issued here would be no tenant's, and the tenant's endpoint answers it 427.
      output.fail(
        `${flow.name} only accepts issued flow tokens: pass --token, issued for the tenant with POST /admin/flows/${flow.name}/sessions?tenant=${context.tenant}`,
      );
      return output.finish({ flow: flow.name, tenant: context.tenant });
    }
    if (!token) {
      // This flow only accepts tokens Flowgate issued: issue one as the admin API does.
      const database = await openCliDatabase();
      if (!database.ok) {
        output.fail(
          `${flow.name} only accepts issued flow tokens, and issuing one needs the server's database: ${database.reason}. Pass --token (e.g. from POST /admin/flows/${flow.name}/sessions)`,
        );
        return output.finish({ flow: flow.name });
      }
      try {
        ({ token } = await issueToken(database.db, flow.name, options.phone));
      } finally {
        await database.close();
      }
      output.ok(`issued a flow token for ${flow.name} (valid for the session lifetime)`);
    }
    url.searchParams.set('interactive', 'true');
    url.searchParams.set('flow_action', options.screen ? 'navigate' : 'data_exchange');
    if (options.screen) url.searchParams.set('flow_action_payload', JSON.stringify({ screen: options.screen, ...(data ? { data } : {}) }));
    url.searchParams.set('flow_token', token);
    if (options.phone) url.searchParams.set('phone_number', options.phone);
    if (remote.endpoint_uri) output.info(`the preview calls ${remote.endpoint_uri}`);
    else output.warn(`the flow has no endpoint_uri at Meta: run npm run flows -- deploy ${flow.name}`);
  }
  output.ok(`preview of ${flow.name} (${remote.status}), valid until ${expiresAt}:`);
  output.print(url.toString());
  return output.finish({ flow: flow.name, id: remote.id, previewUrl: url.toString(), expiresAt });
}

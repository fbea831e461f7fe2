import { registerAs } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';
import { graphApiConfig } from '../graph-api/index.js';

class MetaFlowsEnv {
  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'must be the numeric id of the WhatsApp Business Account' })
  WHATSAPP_BUSINESS_ACCOUNT_ID?: string;

  // Meta only calls https endpoints. The server serves flow x at /flows/x of its origin, so a path here
  // would give Meta endpoint URIs that answer 404: only the origin is accepted.
  @IsOptional()
  @Matches(/^https:\/\/[^/?#\s]+$/, {
    message: 'must be the https origin Meta calls, without a path or a trailing slash (e.g. https://flowgate.example.com)',
  })
  PUBLIC_URL?: string;
}

/**
 * Meta's Flows API: the WhatsApp Business Account that owns the flows and the public base URL under
 * which Meta reaches this service. The Graph API base and the access token are the Graph API room's.
 */
export const metaFlowsConfig = registerAs('metaFlows', () => {
  const env = validateEnv(MetaFlowsEnv);
  const graph = graphApiConfig();
  return {
    graphBaseUrl: graph.baseUrl,
    accessToken: graph.accessToken,
    phoneNumberId: graph.phoneNumberId,
    wabaId: env.WHATSAPP_BUSINESS_ACCOUNT_ID,
    publicUrl: env.PUBLIC_URL,
    maxTotalMs: graph.maxTotalMs,
  };
});

export type MetaFlowsConfig = ReturnType<typeof metaFlowsConfig>;

export interface ReadyMetaFlowsConfig extends MetaFlowsConfig {
  accessToken: string;
  wabaId: string;
  publicUrl: string;
}

const WHY: Record<'accessToken' | 'wabaId' | 'publicUrl', string> = {
  accessToken: 'WHATSAPP_ACCESS_TOKEN is not set: a system-user token with whatsapp_business_management is needed to manage flows',
  wabaId: 'WHATSAPP_BUSINESS_ACCOUNT_ID is not set: the id of the WhatsApp Business Account that owns the flows',
  publicUrl: 'PUBLIC_URL is not set: the https base under which Meta reaches this service (endpoint of flow x: PUBLIC_URL/flows/x)',
};

/** The configuration with every value the Flows API needs, or one line per missing value. */
export function requireMetaFlowsConfig(config: MetaFlowsConfig): ReadyMetaFlowsConfig {
  const missing = (['accessToken', 'wabaId', 'publicUrl'] as const).filter((key) => !config[key]);
  if (missing.length) throw new ConfigValidationError(missing.map((key) => WHY[key]).join('\n'));
  return config as ReadyMetaFlowsConfig;
}

/** Where Meta sends a flow's data-exchange requests: `/flows/<flow>`, or a tenant's `/flows/<tenant>/<flow>`. */
export const endpointUriOf = (publicUrl: string, flow: string, tenant?: string) => `${publicUrl}/flows/${tenant ? `${tenant}/` : ''}${flow}`;

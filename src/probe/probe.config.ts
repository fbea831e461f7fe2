import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { EnvInt } from '../config/env-int.js';
import { validateEnv } from '../config/validate-env.js';
import { metaFlowsConfig } from '../meta-flows/meta-flows.config.js';

class ProbeEnv {
  @EnvInt({ min: 0, max: 3600, message: 'must be a whole number of seconds between 0 (off) and 3600' })
  FLOW_PROBE_INTERVAL_S?: number;

  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/, { message: 'must be an http(s) URL without a trailing slash' })
  FLOW_PROBE_URL?: string;

  @IsOptional()
  @IsIn(['local', 'public'], { message: 'must be local or public' })
  FLOW_PROBE_TARGET?: 'local' | 'public';

  @EnvInt({ min: 100, max: 60_000, message: 'must be a whole number of milliseconds between 100 and 60000' })
  FLOW_PROBE_TIMEOUT_MS?: number;
}

/**
 * The synthetic ping: off unless FLOW_PROBE_INTERVAL_S is set. It goes to FLOW_PROBE_URL, else to
 * PUBLIC_URL (TLS and the load balancer included, as Meta reaches the service), else to this
 * process's own listener; FLOW_PROBE_TARGET=local keeps it on the listener even with PUBLIC_URL.
 */
export const probeConfig = registerAs('probe', () => {
  const env = validateEnv(ProbeEnv);
  const publicUrl = env.FLOW_PROBE_TARGET === 'local' ? undefined : (env.FLOW_PROBE_URL ?? metaFlowsConfig().publicUrl);
  return {
    intervalS: env.FLOW_PROBE_INTERVAL_S ?? 0,
    /** Base URL the pings go to; undefined: this process's own listener. */
    url: publicUrl,
    /** Meta gives up after 10 s: so does the probe by default. */
    timeoutMs: env.FLOW_PROBE_TIMEOUT_MS ?? 10_000,
  };
});

export type ProbeConfig = ReturnType<typeof probeConfig>;

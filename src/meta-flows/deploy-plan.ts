import { isDeepStrictEqual } from 'node:util';
import type { LocalFlow } from './local-flows.js';
import type { MetaFlow } from './meta-flow.types.js';

export type DeployAction =
  | { kind: 'create'; name: string; categories: string[]; endpointUri: string }
  | { kind: 'update-metadata'; changes: { categories?: string[]; endpointUri?: string } }
  | { kind: 'upload-json' }
  | { kind: 'publish' };

export interface DeployPlan {
  flow: string;
  /** `up-to-date`: nothing to write. `blocked`: a change is needed that this run may not make. */
  verdict: 'create' | 'update' | 'up-to-date' | 'blocked';
  actions: DeployAction[];
  /** What differs (endpoint, categories, Flow JSON), for the output. */
  differences: string[];
  /** Why the plan is blocked and what to run instead. */
  blocked?: string;
}

/** True when Meta's Flow JSON is the local one (compared as JSON: formatting does not count). */
export function sameFlowJson(local: string, remote: string | undefined): boolean {
  if (remote === undefined) return false;
  try {
    return isDeepStrictEqual(JSON.parse(local), JSON.parse(remote));
  } catch {
    return false;
  }
}

const sameSet = (a: string[] = [], b: string[] = []) => a.length === b.length && a.every((value) => b.includes(value));

// Statuses in which the flow can be sent to customers. Meta's "Lifecycle of a Flow" page
// (developers.facebook.com/docs/whatsapp/flows/reference/lifecycle, updated Dec 2025) says a
// published flow CAN be edited: editing its metadata or Flow JSON puts it back to DRAFT (messages
// already sent keep the old content, new ones get the change) until it is published again; cloning
// with clone_flow_id is advised for significant changes. The older "published flows cannot be
// modified" rule no longer holds. A DRAFT flow cannot be sent to customers, so an edit of a live flow
// is only made when the run also publishes it again (--republish).
const LIVE = new Set(['PUBLISHED', 'THROTTLED', 'BLOCKED']);

/**
 * Decides what `deploy` does for one flow, from the local module and Meta's copy (found by name).
 * Pure: the caller runs the actions (or prints them for --dry-run).
 */
export function planDeploy(input: {
  local: LocalFlow & { categories: string[] };
  localJson: string;
  endpointUri: string;
  remote?: MetaFlow;
  remoteJson?: string;
  republish?: boolean;
}): DeployPlan {
  const { local, remote } = input;
  if (!remote) {
    return {
      flow: local.name,
      verdict: 'create',
      differences: ['not on Meta yet'],
      actions: [{ kind: 'create', name: local.metaName, categories: local.categories, endpointUri: input.endpointUri }, { kind: 'upload-json' }],
    };
  }
  const changes: { categories?: string[]; endpointUri?: string } = {};
  const differences: string[] = [];
  if (remote.endpoint_uri !== input.endpointUri) {
    changes.endpointUri = input.endpointUri;
    differences.push(`endpoint_uri ${remote.endpoint_uri ?? '(none)'} → ${input.endpointUri}`);
  }
  if (!sameSet(remote.categories, local.categories)) {
    changes.categories = local.categories;
    differences.push(`categories ${(remote.categories ?? []).join(',') || '(none)'} → ${local.categories.join(',')}`);
  }
  const jsonDiffers = !sameFlowJson(input.localJson, input.remoteJson);
  if (jsonDiffers) differences.push(input.remoteJson === undefined ? 'no Flow JSON on Meta' : 'Flow JSON differs from Meta’s');

  const actions: DeployAction[] = [];
  if (changes.categories || changes.endpointUri) actions.push({ kind: 'update-metadata', changes });
  if (jsonDiffers) actions.push({ kind: 'upload-json' });
  if (actions.length === 0) return { flow: local.name, verdict: 'up-to-date', differences, actions };

  if (remote.status === 'DEPRECATED') {
    return {
      flow: local.name,
      verdict: 'blocked',
      differences,
      actions: [],
      blocked: `"${remote.name}" is DEPRECATED at Meta and can no longer change: give the module a new meta.name to create a new flow`,
    };
  }
  if (LIVE.has(remote.status)) {
    if (!input.republish) {
      return {
        flow: local.name,
        verdict: 'blocked',
        differences,
        actions: [],
        blocked:
          `"${remote.name}" is ${remote.status}: Meta puts an edited published flow back to DRAFT, which customers cannot receive until it is published again. ` +
          `Run: npm run flows -- deploy ${local.name} --republish (uploads, then publishes at once)`,
      };
    }
    actions.push({ kind: 'publish' });
  }
  return { flow: local.name, verdict: 'update', differences, actions };
}

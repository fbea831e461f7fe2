import { describe, expect, it } from '@jest/globals';
import { planDeploy, sameFlowJson } from './deploy-plan.js';
import type { MetaFlow } from './meta-flow.types.js';

const local = {
  name: 'gifts',
  metaName: 'gifts',
  tokens: 'any' as const,
  categories: ['OTHER'],
  flowJsonFile: '/x/gifts.flow.json',
  displayFile: 'src/flows/gifts/gifts.flow.json',
};
const json = '{ "version": "7.3", "screens": [] }';
const endpointUri = 'https://flowgate.example.com/flows/gifts';
const remote = (patch: Partial<MetaFlow> = {}): MetaFlow => ({
  id: '1',
  name: 'gifts',
  status: 'DRAFT',
  categories: ['OTHER'],
  endpoint_uri: endpointUri,
  ...patch,
});

describe('planDeploy', () => {
  it('creates and uploads a flow Meta does not have', () => {
    expect(planDeploy({ local, localJson: json, endpointUri }).actions.map((a) => a.kind)).toEqual(['create', 'upload-json']);
  });

  it('does nothing when Meta has the same JSON (formatting aside), endpoint and categories', () => {
    const plan = planDeploy({ local, localJson: json, endpointUri, remote: remote(), remoteJson: '{"screens":[],"version":"7.3"}' });
    expect(plan).toMatchObject({ verdict: 'up-to-date', actions: [] });
  });

  it('updates only what differs on a draft', () => {
    const plan = planDeploy({ local, localJson: json, endpointUri, remote: remote({ categories: ['SURVEY', 'OTHER'] }), remoteJson: json });
    expect(plan.actions).toEqual([{ kind: 'update-metadata', changes: { categories: ['OTHER'] } }]);
    const upload = planDeploy({ local, localJson: json, endpointUri, remote: remote(), remoteJson: '{"version":"7.2","screens":[]}' });
    expect(upload.actions).toEqual([{ kind: 'upload-json' }]);
  });

  it('does not edit a published flow (it would go back to DRAFT) unless it republishes at once', () => {
    const blocked = planDeploy({ local, localJson: json, endpointUri, remote: remote({ status: 'PUBLISHED' }), remoteJson: undefined });
    expect(blocked).toMatchObject({ verdict: 'blocked', actions: [] });
    expect(blocked.blocked).toContain('--republish');
    const republish = planDeploy({
      local,
      localJson: json,
      endpointUri,
      remote: remote({ status: 'PUBLISHED', endpoint_uri: 'https://old/x' }),
      remoteJson: json,
      republish: true,
    });
    expect(republish.actions.map((a) => a.kind)).toEqual(['update-metadata', 'publish']);
  });

  it('never edits a deprecated flow', () => {
    expect(
      planDeploy({ local, localJson: json, endpointUri, remote: remote({ status: 'DEPRECATED' }), remoteJson: '{}', republish: true }).verdict,
    ).toBe('blocked');
  });

  it('compares JSON as JSON', () => {
    expect(sameFlowJson('{"a":1}', '{ "a": 1 }')).toBe(true);
    expect(sameFlowJson('{"a":1}', '{"a":2}')).toBe(false);
    expect(sameFlowJson('{"a":1}', 'not json')).toBe(false);
  });
});

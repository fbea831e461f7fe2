import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { AppModule } from '../../src/app.module.js';
import { withConfiguration } from '../../src/config/config-context.js';
import { assertValidConfiguration } from '../../src/config/configuration.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { KubeletSecretVolume } from '../support/kubelet-secret-volume.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { validateAgainstSchemas, type KubernetesObject } from './support/kubernetes-schemas.js';
import { requireTool, runTool } from './support/tools.js';

const KUSTOMIZATIONS = ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/production'];

async function render(kubectl: string, dir: string): Promise<KubernetesObject[]> {
  const result = await runTool(kubectl, ['kustomize', join(PROJECT_ROOT, dir)]);
  if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  // A deprecated field is a warning on stderr today and an error in a later kubectl.
  expect(result.stderr).toBe('');
  return parseAllDocuments(result.stdout).map((document) => document.toJS() as KubernetesObject);
}

const one = (objects: KubernetesObject[], kind: string) => {
  const found = objects.filter((object) => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  let kubectl: string;
  const rendered = new Map<string, KubernetesObject[]>();

  beforeAll(async () => {
    kubectl = requireTool('kubectl');
    for (const dir of KUSTOMIZATIONS) rendered.set(dir, await render(kubectl, dir));
  }, 60_000);

  it.each(KUSTOMIZATIONS)(
    '%s renders offline and every object is valid against Kubernetes’ schemas',
    async (dir) => {
      const objects = rendered.get(dir)!;
      expect(objects.map((object) => object.kind).sort()).toEqual(
        expect.arrayContaining(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'ServiceAccount']),
      );
      expect(await validateAgainstSchemas(objects)).toEqual([]);
    },
    60_000,
  );

  it('the schema check finds what Kubernetes would refuse or silently drop (it can fail)', async () => {
    const deployment = structuredClone(one(rendered.get(KUSTOMIZATIONS[1])!, 'Deployment'));
    deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystm = true;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = '3000';
    const problems = await validateAgainstSchemas([deployment]);
    expect(problems.join('\n')).toContain('readOnlyRootFilesystm');
    expect(problems.join('\n')).toContain('containerPort');
  }, 60_000);

  describe('production overlay', () => {
    let objects: KubernetesObject[];
    let deployment: KubernetesObject;
    let pod: any;
    let container: any;
    let config: Record<string, string>;
    const env = () => Object.fromEntries((container.env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

    beforeAll(() => {
      objects = rendered.get(KUSTOMIZATIONS[1])!;
      deployment = one(objects, 'Deployment');
      pod = deployment.spec.template;
      container = pod.spec.containers[0];
      config = one(objects, 'ConfigMap').data;
    });

    it('probes terminus: startup and liveness on /health/live, readiness on /health/ready, on the named port', () => {
      const portNames = container.ports.map((port: { name: string }) => port.name);
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(portNames).toContain('http');
      expect(container.ports[0].containerPort).toBe(Number(config.PORT));
    });

    it('runs as non-root on a read-only root filesystem, with a volume for each folder the server writes', () => {
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const mounts = container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath);
      expect(mounts).toEqual(expect.arrayContaining([config.FLOW_MEDIA_DIR, env().TMPDIR]));
      const media = pod.spec.volumes.find((volume: { name: string }) => volume.name === 'media');
      expect(media.persistentVolumeClaim.claimName).toBe(one(objects, 'PersistentVolumeClaim').metadata.name);
      expect(media.emptyDir).toBeUndefined();
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
      expect(one(objects, 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('keys and app secrets come from a Secret mounted as a folder (no subPath: the kubelet keeps it up to date)', () => {
      const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'secrets');
      expect(mount.subPath).toBeUndefined();
      expect(mount.readOnly).toBe(true);
      expect(pod.spec.volumes.find((volume: { name: string }) => volume.name === 'secrets').secret.secretName).toBe('flowgate-secrets');
      for (const variable of [
        'FLOW_PRIVATE_KEY_FILE',
        'FLOW_PREVIOUS_PRIVATE_KEY_FILE',
        'WHATSAPP_APP_SECRET_FILE',
        'WHATSAPP_APP_SECRET_PREVIOUS_FILE',
      ]) {
        expect(dirname(env()[variable])).toBe(mount.mountPath);
      }
      expect(container.envFrom).toEqual([
        { configMapRef: { name: one(objects, 'ConfigMap').metadata.name } },
        { secretRef: { name: 'flowgate-env' } },
      ]);
    });

    it('shuts down gracefully: readiness fails before the server stops accepting, and the grace period covers the drain', () => {
      const drainMs = Number(config.HTTP_DRAIN_DELAY_MS);
      const readiness = container.readinessProbe;
      // The Service drops the pod after periodSeconds × failureThreshold; endpoints then take a moment to propagate.
      expect(readiness.periodSeconds * readiness.failureThreshold * 1000 + 5_000).toBeLessThanOrEqual(drainMs);
      // The drain, then requests still in flight (HTTP_REQUEST_TIMEOUT_MS, 15 s by default) and background jobs.
      expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(drainMs + 15_000 + 10_000);
      expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    });

    it('the Service, the autoscaler and the disruption budget point at these pods', () => {
      const labels = pod.metadata.labels;
      const service = one(objects, 'Service');
      expect(matches(service.spec.selector, labels)).toBe(true);
      expect(service.spec.ports[0].targetPort).toBe('http');
      const hpa = one(objects, 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      expect(hpa.spec.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      const pdb = one(objects, 'PodDisruptionBudget');
      expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
      // With at least two replicas, evicting one at a time always leaves one serving.
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(matches(deployment.spec.selector.matchLabels, labels)).toBe(true);
    });

    it('pins the image and is scraped by Prometheus on /metrics', () => {
      expect(container.image).toMatch(/:[\w.-]+$/);
      expect(container.image).not.toMatch(/:latest$/);
      expect(pod.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': config.PORT,
      });
    });

    describe('its configuration, as Flowgate reads it', () => {
      let volume: KubeletSecretVolume;
      afterAll(() => volume?.remove());

      it('names only documented variables, and passes Flowgate’s production checks with the Secrets filled in', () => {
        const documented = readFileSync(join(PROJECT_ROOT, 'config/.env.example'), 'utf8');
        for (const name of [...Object.keys(config), ...Object.keys(env())].filter((n) => n !== 'TMPDIR')) {
          expect([name, documented.includes(`${name}=`)]).toEqual([name, true]);
        }
        // The Secrets as an operator would create them, mounted the way the kubelet does.
        const keys = generateTestKeyPair();
        volume = new KubeletSecretVolume({ 'current.pem': keys.privatePem, 'app-secret': generateAppSecret() });
        const files = Object.fromEntries(
          Object.entries(env()).map(([name, value]) => [name, value.replace(dirname(env().FLOW_PRIVATE_KEY_FILE), volume.dir)]),
        );
        // The flowgate-env Secret (docs/ops/kubernetes.md); Redis shares the cache, the replay records and the queue between replicas.
        const flowgateEnv = {
          DATABASE_URL: 'postgres://flowgate:secret@db:5432/flowgate',
          REDIS_URL: 'redis://redis:6379',
          METRICS_TOKEN: 'metrics-token-0123456789abcdef',
          ADMIN_TOKEN: 'admin-token-0123456789abcdef',
        };
        expect(() => withConfiguration({ ...config, ...files, ...flowgateEnv }, () => assertValidConfiguration(AppModule.forRoot()))).not.toThrow();
        // Without the Secret's app secret file, it stops with one line naming the variable.
        expect(() =>
          withConfiguration({ ...config, ...files, ...flowgateEnv, WHATSAPP_APP_SECRET_FILE: join(volume.dir, 'missing') }, () =>
            assertValidConfiguration(AppModule.forRoot()),
          ),
        ).toThrow(/WHATSAPP_APP_SECRET_FILE: cannot read/);
      });
    });
  });
});

import { execFileSync } from 'child_process';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { NODE_FLAGS } from '../../scripts/service';

/**
 * Builds k8s/ with kustomize (kubectl kustomize), validates every object against the Kubernetes
 * API schema (the kubernetes-models package's JSON schemas), and checks the deployment's promises.
 */
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

const MODULES: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
};

const built = execFileSync('kubectl', ['kustomize', join(__dirname, '..', '..', 'k8s')], { encoding: 'utf8' });
const objects = parseAllDocuments(built).map((d) => d.toJSON() as K8sObject);
const find = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const podSpec = (o: K8sObject) => o.spec.template.spec;

describe('k8s/ (kustomize)', () => {
  test('when it is built, then every object is valid against the Kubernetes API schema', () => {
    expect(objects.length).toBeGreaterThan(15);
    for (const o of objects) {
      const mod = MODULES[o.apiVersion];
      if (!mod) throw new Error(`no schema module for ${o.apiVersion}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Model = (require(mod) as Record<string, new (x: unknown) => { validate(): void }>)[o.kind];
      if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
      expect(() => new Model(o).validate()).not.toThrow();
    }
  });

  test('when it is built, then a broken object would be caught (the validation is real)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Deployment } = require('kubernetes-models/apps/v1') as Record<string, new (x: unknown) => { validate(): void }>;
    const broken = JSON.parse(JSON.stringify(find('Deployment', 'engine')));
    broken.spec.replicas = 'one';
    expect(() => new Deployment(broken).validate()).toThrow();
  });

  test('when it is built, then everything lives in the mock-exchange namespace', () => {
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('mock-exchange');
  });

  test('when it is built, then the engine is a single writer: one replica, Recreate, ready only after recovery', () => {
    const engine = find('Deployment', 'engine');
    expect(engine.spec.replicas).toBe(1);
    expect(engine.spec.strategy).toEqual({ type: 'Recreate' });
    expect(podSpec(engine).containers[0].readinessProbe.httpGet.path).toBe('/ready');
    expect(podSpec(engine).containers[0].args).toEqual(['engine']);
    // the same Node flags as npm start and the tests give it
    expect(podSpec(engine).containers[0].env).toContainEqual({ name: 'NODE_OPTIONS', value: NODE_FLAGS.engine!.join(' ') });
  });

  test('when it is built, then every container has liveness and readiness probes, requests and limits, and a grace period', () => {
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['api', 'data-server', 'db-writer', 'engine', 'postgres', 'redis', 'ws-server']);
    for (const w of workloads) {
      expect(podSpec(w).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      for (const c of podSpec(w).containers) {
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  test('when it is built, then app probes hit real health endpoints of the services', () => {
    const paths = (name: string) => podSpec(find('Deployment', name)).containers[0];
    expect([paths('api').readinessProbe.httpGet.path, paths('api').livenessProbe.httpGet.path]).toEqual(['/health', '/live']);
    expect(paths('ws-server').readinessProbe.httpGet.path).toBe('/ready');
    expect(paths('db-writer').readinessProbe.httpGet.path).toBe('/ready');
    expect(paths('data-server').readinessProbe.httpGet.path).toBe('/ready');
  });

  test('when it is built, then api and ws-server scale horizontally behind Services with disruption budgets', () => {
    for (const name of ['api', 'ws-server']) {
      expect(find('Service', name).spec.ports).toHaveLength(1);
      expect(find('HorizontalPodAutoscaler', name).spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name }, minReplicas: 2 });
      expect(find('PodDisruptionBudget', name).spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: { app: name } } });
    }
  });

  test('when it is built, then Redis and PostgreSQL are StatefulSets with persistent volumes, Redis append-only with noeviction', () => {
    for (const name of ['redis', 'postgres']) expect(find('StatefulSet', name).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toMatch(/Gi$/);
    expect(podSpec(find('StatefulSet', 'redis')).containers[0].args).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  });

  test('when it is built, then a migration Job runs the migrate command, and database users migrate before starting', () => {
    expect(podSpec(find('Job', 'migrate')).containers[0].args).toEqual(['migrate']);
    for (const name of ['api', 'db-writer']) expect(podSpec(find('Deployment', name)).initContainers[0].args).toEqual(['migrate']);
  });

  test('when it is built, then the Ingress sends Socket.IO to ws-server and the rest to api', () => {
    const paths = find('Ingress', 'exchange').spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]);
    expect(paths).toEqual([
      ['/socket.io', 'ws-server'],
      ['/', 'api'],
    ]);
  });

  test('when it is built, then the Secret holds placeholders only, and nothing else carries a secret value', () => {
    const secret = find('Secret', 'exchange-secrets');
    const values = { ...(secret.stringData ?? {}), ...(secret.data ?? {}) };
    for (const [key, value] of Object.entries(values)) {
      if (key === 'ADMIN_USERNAME') continue;
      expect(value).toMatch(/CHANGE_ME/);
    }
    const config = find('ConfigMap', 'exchange-config');
    expect(Object.keys(config.data ?? {}).filter((k) => /SECRET|PASSWORD|TOKEN/.test(k))).toEqual([]);
    expect(built).not.toMatch(/dev-only-secret|organiser-password/);
  });
});

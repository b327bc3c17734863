import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
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

const K8S = join(__dirname, '..', '..', 'k8s');
const kustomize = (dir: string) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const built = kustomize(K8S);
const objects = parseAllDocuments(built).map((d) => d.toJSON() as K8sObject);
const production = parseAllDocuments(kustomize(join(K8S, 'overlays', 'production'))).map((d) => d.toJSON() as K8sObject);
const find = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const podSpec = (o: K8sObject) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const appWorkloads = workloads.filter((w) => podSpec(w).containers[0].image.startsWith('mock-exchange'));
const labelsOf = (o: K8sObject) => podSpec(o) && (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.metadata.labels : o.spec.template.metadata.labels);

describe('k8s/ (kustomize)', () => {
  test('when it and the production overlay are built, then every object is valid against the Kubernetes API schema', () => {
    expect(objects.length).toBeGreaterThan(15);
    for (const o of [...objects, ...production]) {
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

  test('when it is built, then every app probe means one thing: readiness on /ready, liveness (and start-up) on /live', () => {
    for (const name of ['api', 'ws-server', 'engine', 'db-writer', 'data-server']) {
      const c = podSpec(find('Deployment', name)).containers[0];
      expect([name, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path, c.startupProbe?.httpGet.path ?? '/live']).toEqual([name, '/ready', '/live', '/live']);
    }
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

  test('when it is built, then migrations run on every release: the pods that use the database migrate first, and no Job (immutable) stands in the way of a new image', () => {
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    for (const name of ['api', 'db-writer']) expect(podSpec(find('Deployment', name)).initContainers[0].args).toEqual(['migrate']);
  });

  test('when it is built, then the Ingress sends Socket.IO to ws-server and the rest to api', () => {
    const paths = find('Ingress', 'exchange').spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]);
    expect(paths).toEqual([
      ['/socket.io', 'ws-server'],
      ['/', 'api'],
    ]);
  });

  test('when it is built, then it holds no Secret (nothing overwrites the one the operator created), every secret comes from exchange-secrets, and the example lists every key read', () => {
    expect([...objects, ...production].filter((o) => o.kind === 'Secret')).toEqual([]);
    const config = find('ConfigMap', 'exchange-config');
    expect(Object.keys(config.data ?? {}).filter((k) => /SECRET|PASSWORD|TOKEN|_URL$/.test(k) && k !== 'PUBLIC_WS_URL')).toEqual([]);
    expect(config.data?.NODE_ENV).toBe('production');
    expect(built).not.toMatch(/dev-only-secret|organiser-password|CHANGE_ME/);
    const example = readFileSync(join(K8S, 'secrets.env.example'), 'utf8');
    const exampleKeys = example.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
    const keysRead = new Set<string>();
    for (const m of built.matchAll(/secretKeyRef:\s*\n\s*key: (\w+)\n\s*name: exchange-secrets/g)) keysRead.add(m[1]);
    for (const m of built.matchAll(/\$\((\w+)\)/g)) keysRead.add(m[1]);
    expect([...keysRead].sort()).toEqual(expect.arrayContaining(['POSTGRES_PASSWORD', 'REDIS_PASSWORD']));
    for (const k of keysRead) expect(exampleKeys).toContain(k);
    expect(exampleKeys.sort()).toEqual(['ADMIN_PASSWORD', 'ADMIN_USERNAME', 'BOT_PASSWORD', 'JWT_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
    for (const w of appWorkloads) {
      for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
        expect(c.envFrom).toContainEqual({ secretRef: { name: 'exchange-secrets' } });
        expect(c.env).toEqual(expect.arrayContaining([
          { name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@redis:6379' },
          { name: 'DATABASE_URL', value: 'postgresql://exchange:$(POSTGRES_PASSWORD)@postgres:5432/exchange' },
        ]));
      }
    }
  });

  test('when it is built, then Redis has a memory bound under its limit, a password, and an append-only file', () => {
    const redis = podSpec(find('StatefulSet', 'redis')).containers[0];
    const arg = (name: string) => redis.args[redis.args.indexOf(name) + 1];
    expect(arg('--appendonly')).toBe('yes');
    expect(arg('--maxmemory-policy')).toBe('noeviction');
    expect(arg('--requirepass')).toBe('$(REDIS_PASSWORD)');
    const mib = (v: string) => Number(v.replace(/mb$/i, '').replace(/Mi$/, '').replace(/Gi$/, '')) * (/Gi$/.test(v) ? 1024 : 1);
    expect(mib(arg('--maxmemory'))).toBeLessThan(mib(redis.resources.limits.memory));
    expect(redis.env).toContainEqual({ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'exchange-secrets', key: 'REDIS_PASSWORD' } } });
  });

  test('when it is built, then network policies deny by default, let the Ingress reach only api and ws-server, and Redis and PostgreSQL only their users', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny-ingress')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const fromIngress = policies.filter((p) => JSON.stringify(p.spec.ingress ?? []).includes('ingress-nginx'));
    expect(fromIngress.map((p) => p.spec.podSelector.matchLabels.app).sort()).toEqual(['api', 'ws-server']);
    const allowed = (app: string) => {
      const p = policies.find((x) => x.spec.podSelector.matchLabels?.app === app)!;
      return p.spec.ingress.flatMap((r: any) => r.from.flatMap((f: any) => f.podSelector?.matchExpressions?.[0]?.values ?? [])).sort();
    };
    expect(allowed('redis')).toEqual(['api', 'data-server', 'db-writer', 'engine', 'ws-server']);
    expect(allowed('postgres')).toEqual(['api', 'db-writer', 'postgres-backup']);
    // every pod the policies name carries that label
    const apps = new Set([...workloads, find('CronJob', 'postgres-backup')].map((w) => labelsOf(w).app));
    for (const name of [...allowed('redis'), ...allowed('postgres')]) expect(apps).toContain(name);
  });

  test('when it is built, then the app containers run as non-root with read-only root filesystems and no capabilities', () => {
    expect(appWorkloads.map((w) => w.metadata.name).sort()).toEqual(['api', 'data-server', 'db-writer', 'engine', 'ws-server']);
    for (const w of [...appWorkloads, find('CronJob', 'postgres-backup')]) {
      expect(podSpec(w).securityContext.runAsNonRoot).toBe(true);
      for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
        expect(c.securityContext).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  test('when it is built, then PostgreSQL is dumped hourly, one at a time, onto a volume of its own by the script docker-compose.yml runs too', () => {
    const cron = find('CronJob', 'postgres-backup');
    expect(cron.spec).toMatchObject({ schedule: expect.stringMatching(/^\d+ \* \* \* \*$/), concurrencyPolicy: 'Forbid' });
    const scripts = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('postgres-backup-scripts'))!;
    expect(scripts.data?.['postgres-backup.sh']).toBe(readFileSync(join(K8S, 'base', 'postgres-backup.sh'), 'utf8'));
    expect(podSpec(cron).volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'postgres-backups' } });
    expect(podSpec(cron).volumes).toContainEqual({ name: 'scripts', configMap: { name: scripts.metadata.name } });
  });

  test('when the production overlay is built, then the Ingress has its host and TLS, and nothing else differs from the base', () => {
    const ingress = production.find((o) => o.kind === 'Ingress')!;
    const host = ingress.spec.rules[0].host;
    expect(host).toMatch(/\./);
    expect(ingress.spec.tls).toEqual([{ hosts: [host], secretName: 'exchange-tls' }]);
    const strip = (list: K8sObject[]) => list.filter((o) => o.kind !== 'Ingress').map((o) => JSON.stringify(o)).sort();
    expect(strip(production)).toEqual(strip(objects));
  });

  test('when the runbook curls the exchange, then it uses the host the overlay serves', () => {
    const host = production.find((o) => o.kind === 'Ingress')!.spec.rules[0].host;
    const runbook = readFileSync(join(K8S, '..', 'docs', 'operations.md'), 'utf8');
    const curled = [...runbook.matchAll(/curl[^\n]*https:\/\/([a-z0-9.<>-]+)/g)].map((m) => m[1]);
    expect(curled.length).toBeGreaterThan(0);
    for (const h of curled) expect(h).toBe(host);
  });

  test('when k8s/monitoring is built, then it provisions the dashboard for Grafana\'s sidecar and ships the scrape job and alert rules, whose ports exist on the pods', () => {
    const monitoring = parseAllDocuments(kustomize(join(K8S, 'monitoring'))).map((d) => d.toJSON() as K8sObject);
    const dashboard = monitoring.find((o) => o.metadata.name === 'exchange-grafana-dashboard')!;
    expect((dashboard.metadata as { labels?: Record<string, string> }).labels?.grafana_dashboard).toBe('1');
    expect(dashboard.data?.['exchange-dashboard.json']).toBe(readFileSync(join(K8S, 'monitoring', 'exchange-dashboard.json'), 'utf8'));
    const prometheus = monitoring.find((o) => o.metadata.name === 'exchange-prometheus')!;
    expect(Object.keys(prometheus.data ?? {}).sort()).toEqual(['alerts.yml', 'prometheus-scrape.yml']);
    // every app pod has the port the scrape job keeps for it
    const keep = /\(api\|ws-server\);metrics\|\(engine\|db-writer\|data-server\);health/;
    expect(prometheus.data?.['prometheus-scrape.yml']).toMatch(keep);
    const portOf: Record<string, string> = { api: 'metrics', 'ws-server': 'metrics', engine: 'health', 'db-writer': 'health', 'data-server': 'health' };
    for (const w of appWorkloads) expect(podSpec(w).containers[0].ports.map((p: { name: string }) => p.name)).toContain(portOf[w.metadata.name]);
  });
});

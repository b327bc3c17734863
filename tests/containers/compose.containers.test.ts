import { randomBytes } from 'crypto';
import { mkdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { drawDashboard } from './dashboard-picture';
import { freePort } from '../harness/stack';
import { connectSocket, http, record, waitFor, type ClientSocket } from '../harness/client';
import type { Stack } from '../harness/stack';
import { ComposeProject, ROOT, run, step } from './compose-project';

/**
 * The exchange as an operator runs it: base images made on this machine, the project's image built
 * from its Dockerfile, docker-compose.yml brought up with podman, and a participant trading through
 * the published ports; then the engine's process is killed, and the whole project taken down and up.
 * Every step is logged as it happens.
 */
jest.setTimeout(20 * 60_000);

const secret = (n: number) => randomBytes(n).toString('hex');
const adminPassword = secret(12);
let project: ComposeProject;
let target: Stack;
let prometheusUrl: string;
const sockets: ClientSocket[] = [];

interface Account {
  id: string;
  token: string;
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await http(target, method, path, { token, body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
async function login(username: string, password: string): Promise<Account> {
  const data = await call('POST', '/auth/login', undefined, { username, password });
  return { id: data.user.id, token: data.accessToken };
}

beforeAll(async () => {
  const missing = [];
  for (const tool of ['podman', 'podman-compose', 'debootstrap']) if ((await run('sh', ['-c', `command -v ${tool}`], {}, { allowFail: true })).code !== 0) missing.push(tool);
  if (missing.length > 0) throw new Error(`the deployment test needs ${missing.join(', ')} (Debian packages: apt-get install podman podman-compose debootstrap runc)`);
  const [apiPort, wsPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
  project = new ComposeProject(`mxdeploy${secret(3)}`, {
    REDIS_IMAGE: 'localhost/mock-exchange-redis:standin',
    POSTGRES_IMAGE: 'localhost/mock-exchange-postgres:standin',
    PROMETHEUS_IMAGE: 'localhost/mock-exchange-prometheus:standin',
    PROMETHEUS_HOST_PORT: String(prometheusPort),
    GRAFANA_ADMIN_PASSWORD: secret(12),
    JWT_SECRET: secret(32),
    ADMIN_USERNAME: 'organiser',
    ADMIN_PASSWORD: adminPassword,
    POSTGRES_PASSWORD: secret(16),
    REDIS_PASSWORD: secret(16),
    BOT_PASSWORD: secret(16),
    API_HOST_PORT: String(apiPort),
    WS_HOST_PORT: String(wsPort),
    PUBLIC_WS_URL: `:${wsPort}`,
  }, {
    grafana: 'no Grafana image can be pulled, and neither Debian nor the npm registry packages Grafana; every query of its dashboard is run against Prometheus instead',
  });
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  target = { apiUrl: `http://127.0.0.1:${apiPort}`, wsUrl: `http://127.0.0.1:${wsPort}` } as Stack;
  step(`project ${project.name}: api on ${target.apiUrl}, Socket.IO on ${target.wsUrl}`);
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  if (project) {
    step('down -v: containers, network and volumes removed');
    await project.compose(['down', '-v', '-t', '10'], true);
  }
});

describe('docker-compose.yml, run with podman', () => {
  test('when the base images are made here and the image is built from the Dockerfile, then it runs Node.js as the Dockerfile names it', async () => {
    step('base images (deploy/podman/build-base-images.sh)');
    const base = await run('deploy/podman/build-base-images.sh', []);
    base.out.split('\n').filter((l) => l.startsWith('==')).forEach((l) => step(l));
    step('podman build -t mock-exchange:latest . (the project Dockerfile)');
    const started = Date.now();
    await run('podman', ['build', '-t', 'mock-exchange:latest', '.']);
    step(`image built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const node = await run('podman', ['run', '--rm', '--entrypoint', 'node', 'mock-exchange:latest', '--version']);
    expect(node.out.trim()).toMatch(/^v24\./);
  });

  test('when promtool (in the Prometheus image) checks the alert rules and both scrape configurations, then they are valid', async () => {
    const promtool = (...args: string[]) =>
      run('podman', ['run', '--rm', '-v', `${join(ROOT, 'k8s', 'monitoring')}:/k8s:ro`, '-v', `${join(ROOT, 'deploy', 'observability')}:/compose:ro`, '--entrypoint', 'promtool', 'localhost/mock-exchange-prometheus:standin', ...args]);
    expect((await promtool('check', 'rules', '/k8s/alerts.yml')).out).toMatch(/SUCCESS: 5 rules found/);
    expect((await promtool('check', 'config', '--syntax-only', '/compose/prometheus.yml')).out).toMatch(/SUCCESS/);
    step('promtool: the alert rules and the compose scrape configuration are valid');
    // k8s/monitoring/prometheus-scrape.yml is checked by tests/deploy/k8s.test.ts only
    const k8s = await promtool('check', 'config', '--syntax-only', '/k8s/prometheus-scrape.yml').catch((err: Error) => err.message);
    if (typeof k8s === 'string' && /field kubernetes_sd_configs not found/.test(k8s)) step('promtool: NOT CHECKED here: the k8s scrape job (Debian builds Prometheus without Kubernetes service discovery)');
    else expect(typeof k8s === 'string' ? k8s : k8s.out).toMatch(/SUCCESS/);
  });

  test('when the project comes up, then every service becomes healthy in dependency order', async () => {
    await project.compose(['down', '-v', '-t', '5'], true);
    step(`up, in order: ${project.startOrder().join(', ')}`);
    await project.up();
    const health = await http(target, 'GET', '/health');
    expect(health.body.data).toEqual({ status: 'ok', redis: true, postgres: true });
  });

  test('when the containers are inspected, then none runs as root, the app and data containers have read-only root filesystems, and the app drops every capability', async () => {
    const lastLine = (out: string) => out.trim().split('\n').pop() ?? '';
    for (const s of project.startOrder().filter((x) => x !== 'migrate')) {
      const uid = lastLine((await project.podman(['exec', project.container(s), 'id', '-u'])).out);
      const readOnly = lastLine((await project.podman(['inspect', project.container(s), '--format', '{{.HostConfig.ReadonlyRootfs}}'])).out);
      // the capabilities the service's own process holds (PID 1 in its container)
      const caps = lastLine((await project.podman(['exec', project.container(s), 'sh', '-c', "grep CapEff /proc/1/status | cut -f2"])).out);
      step(`${s}: uid ${uid}, read-only root filesystem ${readOnly}, effective capabilities ${caps}`);
      // the backup job is root (the official image's new volume is root's), without any capability
      if (s !== 'postgres-backup') expect(Number(uid)).toBeGreaterThan(0);
      expect(readOnly).toBe('true');
      if (!['redis', 'postgres'].includes(s)) expect(caps).toBe('0000000000000000');
    }
    const write = await project.podman(['exec', project.container('api'), 'touch', '/app/dist/written'], true);
    expect(write.code).not.toBe(0);
    expect(write.out).toMatch(/Read-only file system/);
  });

  let alice: Account;
  let bob: Account;
  const password = 'correct-horse-battery';

  test('when a participant registers, is funded and trades through the published ports, then the order fills and the fill arrives over Socket.IO', async () => {
    const organiser = await login('organiser', adminPassword);
    await call('POST', '/admin/symbols', organiser.token, { symbol: 'ACME', tickSize: 0.01 });
    for (const name of ['alice', 'bob']) await call('POST', '/auth/register', undefined, { username: name, password });
    [alice, bob] = [await login('alice', password), await login('bob', password)];
    await call('POST', '/admin/credit', organiser.token, { userId: alice.id, asset: 'CASH', amount: 10_000 });
    await call('POST', '/admin/credit', organiser.token, { userId: bob.id, asset: 'ACME', amount: 100 });
    await call('POST', '/admin/session', organiser.token, { state: 'OPEN' });
    step('organiser listed ACME, funded alice and bob, opened the session');

    const socket = await connectSocket(target, alice.token);
    sockets.push(socket);
    const seen = record(socket, ['order', 'fill']);
    await call('POST', '/order/place', bob.token, { symbol: 'ACME', side: 'SELL', type: 'LIMIT', price: 101.5, quantity: 10 });
    const cross = await call('POST', '/order/place', alice.token, { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 102, quantity: 4 });
    expect(cross).toMatchObject({ status: 'FILLED', filledQuantity: 4 });
    const fill = await waitFor('alice to get her fill over Socket.IO', () => seen.find((e) => e.name === 'fill'));
    expect(fill.data).toMatchObject({ orderId: cross.orderId, side: 'BUY', price: 101.5, quantity: 4 });
    step(`alice bought 4 ACME at 101.50 and got the fill over Socket.IO (${seen.length} events)`);
  });

  test('when the engine process is SIGKILLed after orders were accepted, then its restart policy brings it back with every accepted order and balance', async () => {
    const placed: string[] = [];
    for (let i = 0; i < 20; i++) {
      const o = await call('POST', '/order/place', alice.token, { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 90 + i / 10, quantity: 1, clientOrderId: `before-kill-${i}` });
      placed.push(o.orderId);
    }
    const balanceBefore = await call('GET', '/account/balance', alice.token);
    const before = await project.state('engine');
    process.kill(before.pid, 'SIGKILL');
    step(`engine process ${before.pid} SIGKILLed with 20 resting orders just accepted`);
    const after = await waitFor('the engine to be restarted', async () => {
      const s = await project.state('engine');
      return s.status === 'running' && s.pid !== before.pid && s.restarts > before.restarts && s;
    }, 60_000);
    await project.waitHealthy('engine');
    step(`engine restarted by its restart policy (restarts ${before.restarts} -> ${after.restarts}) and ready`);

    const listed = (await call('GET', `/order/user/${alice.id}`, alice.token)) as { orderId: string; status: string }[];
    for (const id of placed) expect(listed.find((o) => o.orderId === id)?.status).toBe('PENDING');
    expect(await call('GET', '/account/balance', alice.token)).toEqual(balanceBefore);
    // the book came back too: bob's sell crosses the best of them
    const sell = await call('POST', '/order/place', bob.token, { symbol: 'ACME', side: 'SELL', type: 'LIMIT', price: 91.9, quantity: 1 });
    expect(sell).toMatchObject({ status: 'FILLED', filledQuantity: 1 });
    expect(sell.trades[0].price).toBe(91.9);
    step('all 20 orders and the balance came back; the best of them traded after the restart');
  });

  test('when a backup is taken and restored into a fresh database, then it holds the same orders and trades', async () => {
    await waitFor('the trades to be in PostgreSQL', async () => (await call('GET', '/history/trades', alice.token)).items.length === 2);
    const backup = await project.podman(['exec', project.container('postgres-backup'), '/scripts/postgres-backup.sh']);
    const file = JSON.parse(backup.out.trim().split('\n').pop()!).file as string;
    step(`backup written: ${file}`);
    const restore = await project.podman(['exec', project.container('postgres-backup'), '/scripts/postgres-restore.sh', file, 'exchange_restored']);
    expect(restore.out).toContain('"msg":"restored"');
    const count = async (db: string) =>
      (await project.podman(['exec', '-e', `PGDATABASE=${db}`, project.container('postgres-backup'), 'psql', '-tA', '-c', 'SELECT (SELECT count(*) FROM orders) || \' \' || (SELECT count(*) FROM trades) || \' \' || (SELECT coalesce(max(seq), 0) FROM order_events)'])).out.trim().split('\n').pop();
    const [live, restored] = [await count('exchange'), await count('exchange_restored')];
    step(`orders, trades, last seq: live ${live}, restored ${restored}`);
    expect(restored).toBe(live);
    expect(Number(live!.split(' ')[1])).toBe(2);
  });

  test('when the exchange has traded, then Prometheus scrapes every service, loads the alert rules, and every query of the Grafana dashboard returns data', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'k8s', 'monitoring', 'exchange-dashboard.json'), 'utf8')) as { title: string; panels: { title: string; targets: { expr: string }[] }[] };
    const query = async (expr: string) => {
      const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${JSON.stringify(body)}`);
      return body.data.result;
    };
    // traffic while Prometheus scrapes: orders, and a burst past the participant's rate limit
    let trading = true;
    const traffic = (async () => {
      for (let i = 0; trading; i++) {
        const o = await call('POST', '/order/place', alice.token, { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 50 + (i % 10) / 10, quantity: 1 });
        await call('POST', '/order/cancel', alice.token, { orderId: o.orderId });
        if (i % 20 === 0) await Promise.all(Array.from({ length: 80 }, () => http(target, 'GET', '/account/balance', { token: bob.token })));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
      const pending = new Set(exprs.map((e) => e.expr));
      await waitFor('every dashboard query to return data', async () => {
        for (const expr of [...pending]) if ((await query(expr)).some((r) => Number.isFinite(Number(r.value[1])))) pending.delete(expr);
        return pending.size === 0;
      }, 120_000).catch((err: Error) => {
        throw new Error(`${err.message}; still empty: ${[...pending].join(' | ')}`);
      });
      for (const e of exprs) step(`dashboard "${e.title}": ${JSON.stringify((await query(e.expr)).map((r) => [r.metric.status ?? r.metric.route ?? r.metric.job ?? '', Number(Number(r.value[1]).toPrecision(3))]))}`);
      // a minute and a half of samples for the picture below
      const since = Number((await query('min(timestamp(up))')).length) && (await query('time() - min(min_over_time(timestamp(up)[10m:10s]))'))[0];
      const covered = since ? Number(since.value[1]) : 0;
      if (covered < 90) await new Promise((r) => setTimeout(r, (90 - covered) * 1000));
    } finally {
      trading = false;
      await traffic;
    }
    const targets = (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } };
    expect(targets.data.activeTargets.map((t) => [t.labels.job, t.health]).sort()).toEqual([['api', 'up'], ['data-server', 'up'], ['db-writer', 'up'], ['engine', 'up'], ['ws-server', 'up']]);
    const rules = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; state: string }[] }[] } };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    step(`alert rules: ${loaded.map((r) => `${r.name} ${r.health} ${r.state}`).join(', ')}`);
    expect(loaded.map((r) => r.name).sort()).toEqual(['DbWriterLagging', 'EngineNotReady', 'PersistJobsParked', 'ServerErrors', 'StreamBacklogGrowing']);
    for (const r of loaded) expect(r.health).toBe('ok');
    // nothing is wrong with this exchange: no alert fires (the engine's restart above took seconds, under any rule's `for`)
    expect(loaded.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);

    // the picture in the README: the panels drawn from this run (DASHBOARD_PICTURE=docs/images/dashboard.png to renew it)
    const picture = process.env.DASHBOARD_PICTURE ?? join(ROOT, 'artifacts', 'deploy', 'dashboard.png');
    mkdirSync(dirname(picture), { recursive: true });
    const drawn = await drawDashboard(prometheusUrl, dashboard as Parameters<typeof drawDashboard>[1], picture);
    step(`dashboard drawn from Prometheus: ${picture} (${drawn.join('; ')})`);
  });

  test('when the project is taken down and brought up again, then the volumes keep every account, order and trade', async () => {
    const trades = await waitFor('the trades to be in PostgreSQL', async () => {
      const list = (await call('GET', '/history/trades', alice.token)).items as unknown[];
      return list.length === 2 && list;
    });
    const balance = await call('GET', '/account/balance', alice.token);
    step('down (volumes kept)');
    sockets.forEach((s) => s.disconnect());
    await project.compose(['down', '-t', '10']);
    expect((await project.podman(['ps', '-a', '--filter', `label=io.podman.compose.project=${project.name}`, '--format', '{{.Names}}'])).out.trim()).toBe('');
    step('up again');
    await project.up();
    const again = await login('alice', password);
    expect(await call('GET', '/account/balance', again.token)).toEqual(balance);
    const tradesAgain = await call('GET', '/history/trades', again.token);
    expect(tradesAgain.items).toEqual(trades);
    const socket = await connectSocket(target, again.token);
    sockets.push(socket);
    const seen = record(socket, ['fill']);
    const bobAgain = await login('bob', password);
    await call('POST', '/order/place', bobAgain.token, { symbol: 'ACME', side: 'SELL', type: 'LIMIT', price: 91.8, quantity: 1 });
    await waitFor('alice to get a fill after the restart', () => seen.length > 0);
    step('after down and up: same balance, same trades, and trading goes on');
  });
});

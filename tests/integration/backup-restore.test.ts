import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { admin, http, loginAdmin, register, waitFor, type Participant } from '../harness/client';
import { freePort, PG_URL, Stack } from '../harness/stack';

/**
 * The backup the CronJob and the compose service take (k8s/base/postgres-backup.sh), restored with
 * postgres-restore.sh into a fresh database: an api started on the restored database answers the
 * same order and trade history as the live one.
 */
const SCRIPTS = join(__dirname, '..', '..', 'k8s', 'base');

describe('PostgreSQL backup and restore', () => {
  let stack: Stack;
  let alice: Participant;
  const dir = mkdtempSync(join(tmpdir(), 'exchange-backups-'));
  const restoredDb = `exchange_restored_${process.pid}`;
  const pgEnv = (db: string) => {
    const u = new URL(PG_URL);
    return { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username) || 'postgres', PGDATABASE: db, BACKUP_DIR: dir, BACKUP_KEEP: '2' };
  };

  beforeAll(async () => {
    stack = await Stack.start();
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME', tickSize: 0.01 });
    alice = await register(stack, 'alice');
    const bob = await register(stack, 'bob');
    await admin(stack, token, 'credit', { userId: alice.id, asset: 'CASH', amount: 10_000 });
    await admin(stack, token, 'credit', { userId: bob.id, asset: 'ACME', amount: 100 });
    await admin(stack, token, 'session', { state: 'OPEN' });
    for (const price of [101, 102, 103]) {
      await http(stack, 'POST', '/order/place', { token: bob.token, body: { symbol: 'ACME', side: 'SELL', type: 'LIMIT', price, quantity: 2 } });
      await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price, quantity: 2 } });
    }
    await http(stack, 'POST', '/order/place', { token: alice.token, body: { symbol: 'ACME', side: 'BUY', type: 'LIMIT', price: 90, quantity: 1 } });
    await waitFor('the trades and orders in PostgreSQL', async () => {
      const [t, o] = await Promise.all([http(stack, 'GET', '/history/trades', { token: alice.token }), http(stack, 'GET', '/history/orders', { token: alice.token })]);
      return t.body.data.items.length === 3 && o.body.data.items.length === 4;
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    const pg = new Client({ connectionString: `${PG_URL}/postgres` });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS "${restoredDb}" WITH (FORCE)`);
    await pg.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when the database is dumped and restored into a fresh one, then an api on the restored one answers the same history', async () => {
    const db = new URL(stack.databaseUrl).pathname.slice(1);
    for (let i = 0; i < 3; i++) {
      const backup = spawnSync('sh', [join(SCRIPTS, 'postgres-backup.sh')], { env: pgEnv(db), encoding: 'utf8' });
      expect(backup.status).toBe(0);
      expect(backup.stdout).toContain('"msg":"backup written"');
      await new Promise((r) => setTimeout(r, 1100)); // the file name has the second in it
    }
    // only the newest BACKUP_KEEP are kept, and nothing half-written
    const dumps = readdirSync(dir).sort();
    expect(dumps).toHaveLength(2);
    expect(dumps.every((f) => /^exchange-\d{8}T\d{6}Z\.dump$/.test(f))).toBe(true);

    const restore = spawnSync('sh', [join(SCRIPTS, 'postgres-restore.sh'), join(dir, dumps[1]), restoredDb], { env: pgEnv('postgres'), encoding: 'utf8' });
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    // a restore never writes over a database that exists
    const again = spawnSync('sh', [join(SCRIPTS, 'postgres-restore.sh'), join(dir, dumps[1]), restoredDb], { env: pgEnv('postgres'), encoding: 'utf8' });
    expect(again.status).not.toBe(0);

    const port = await freePort();
    await stack.startService('api', 'api-restored', { DATABASE_URL: `${PG_URL}/${restoredDb}`, API_PORT: String(port), API_METRICS_PORT: String(await freePort()) });
    const restored = { ...stack, apiUrl: `http://127.0.0.1:${port}` } as Stack;
    for (const path of ['/history/trades', '/history/orders']) {
      const [live, fromBackup] = await Promise.all([http(stack, 'GET', path, { token: alice.token }), http(restored, 'GET', path, { token: alice.token })]);
      expect(fromBackup.status).toBe(200);
      expect(fromBackup.body.data).toEqual(live.body.data);
    }
    expect((await http(restored, 'GET', '/history/trades', { token: alice.token })).body.data.items.map((t: { price: number }) => t.price).sort()).toEqual([101, 102, 103]);
  });
});

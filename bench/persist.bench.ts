/**
 * npm run bench:persist — db-writer's write of persistence jobs alone (`persistBatch`), on a fresh
 * PostgreSQL database per round: the jobs an engine makes of a generated order stream (the engine's
 * own PersistBuffer), written one after another as db-writer writes them. Per round: this process's
 * CPU per order (db-writer's share) and wall time per order (PostgreSQL's work included). Beside it
 * in the same run, a bare baseline: the same jobs' rows sent in the same transactions but only
 * counted by PostgreSQL, not inserted (what the round trips and the JSON cost on their own).
 * BENCH_PERSIST_OTHER=path/to/another/build/dist interleaves that build's persistBatch too
 * (before/after a change). One JSON line last.
 */
import { join } from 'path';
import { Client as PgClient } from 'pg';
import { decodePersistJob, type PersistJob } from '../contracts/persist-job';
import { MatchingEngine } from '../engine/core/engine';
import { applyBatch } from '../engine/process/batch';
import { PersistBuffer } from '../engine/process/publisher';
import { migrate } from '../runtime/migrate';
import { createPrisma, type PrismaClient } from '../runtime/prisma';
import { asRecords } from './lib/engine-pipeline';
import { generateEngineStream } from './lib/engine-stream';
import { PG_URL } from '../tests/harness/stack';

const COMMANDS = Number(process.env.BENCH_PERSIST_COMMANDS ?? 40_000);
const ROUNDS = Number(process.env.BENCH_PERSIST_ROUNDS ?? 5);
const OTHER = process.env.BENCH_PERSIST_OTHER;
const log = (msg: string) => process.stderr.write(`[bench:persist] ${msg}\n`);

type Writer = (prisma: PrismaClient, job: PersistJob) => Promise<unknown>;

/** the jobs an engine process would send for the stream, 100 commands per batch */
function makeJobs(): PersistJob[] {
  const stream = generateEngineStream({ commands: COMMANDS, users: 200, symbols: 3, restingTarget: 2000, seed: 3 });
  const engine = new MatchingEngine();
  const buffer = new PersistBuffer(20_000, 100);
  buffer.startAt(0);
  const records = asRecords([...stream.setup, ...stream.commands]);
  const jobs: PersistJob[] = [];
  for (let i = 0; i < records.length; i += 100) {
    buffer.add(applyBatch(engine, records.slice(i, i + 100)), engine.takeDirtyBalances(), engine.seq, engine.symbols(), 0);
    const job = buffer.take();
    // as db-writer gets it: through JSON (Redis)
    if (job !== null) jobs.push(JSON.parse(JSON.stringify(job)) as PersistJob);
  }
  return jobs;
}

/** the same transactions, each table's rows only counted: the floor under any way of writing them */
const bare: Writer = (prisma, job) =>
  prisma.$transaction(
    (['orders', 'events', 'trades', 'balances'] as const).map((table) => prisma.$queryRawUnsafe('SELECT jsonb_array_length($1::jsonb)', JSON.stringify(job[table]))),
  );

async function round(name: string, write: Writer, jobs: PersistJob[], orders: number, k: number): Promise<{ cpuMsPerOrder: number; wallMsPerOrder: number }> {
  const url = `${PG_URL}/persist_bench_${process.pid}_${name.replace(/\W/g, '_')}_${k}`;
  await migrate(url);
  const prisma = createPrisma(url);
  await prisma.$queryRawUnsafe('SELECT 1');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const job of jobs) await write(prisma, job);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  await prisma.$disconnect();
  const admin = new PgClient({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
  const r = { cpuMsPerOrder: Math.round(((cpu.user + cpu.system) / 1000 / orders) * 10_000) / 10_000, wallMsPerOrder: Math.round((wall / orders) * 10_000) / 10_000 };
  log(`${name} round ${k}: ${JSON.stringify(r)}`);
  return r;
}

async function main(): Promise<void> {
  const jobs = makeJobs();
  const orders = jobs.reduce((a, j) => a + j.orders.length, 0);
  log(`${jobs.length} jobs: ${orders} orders, ${jobs.reduce((a, j) => a + j.events.length, 0)} events, ${jobs.reduce((a, j) => a + j.trades.length, 0)} trades`);
  const { persistBatch } = await import('../db-writer/persist');
  const writers: [string, Writer][] = [
    ['this build', (prisma, job) => persistBatch(prisma, decodePersistJob(job))],
    ['bare', bare],
  ];
  if (OTHER !== undefined) {
    // an older build's persistBatch may take the job as it travels (before the labelled rows)
    const other = (await import(join(OTHER, 'db-writer', 'persist.js'))) as { persistBatch: (p: PrismaClient, j: unknown) => Promise<unknown> };
    const takesTuples = !(await import(join(OTHER, 'contracts', 'persist-job.js'))).decodePersistJob;
    writers.push(['other build', (prisma, job) => other.persistBatch(prisma, takesTuples ? job : decodePersistJob(job))]);
  }
  const results = new Map<string, { cpuMsPerOrder: number; wallMsPerOrder: number }[]>(writers.map(([name]) => [name, []]));
  // a first round each to warm up, not counted
  for (let k = 0; k <= ROUNDS; k++) for (const [name, write] of writers) {
    const r = await round(name, write, jobs, orders, k);
    if (k > 0) results.get(name)!.push(r);
  }
  const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
  const summary = Object.fromEntries(
    [...results].map(([name, rs]) => [name, { cpuMsPerOrder: range(rs.map((r) => r.cpuMsPerOrder)), wallMsPerOrder: range(rs.map((r) => r.wallMsPerOrder)) }]),
  );
  process.stdout.write(`${JSON.stringify({ jobs: jobs.length, orders, rounds: ROUNDS, ...summary })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});

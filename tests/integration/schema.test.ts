import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { migrate } from '../../runtime/migrate';
import { PG_URL } from '../harness/stack';

/**
 * Prisma's schema engine (which would diff these) cannot be installed here, so this test reads
 * schema.prisma itself and checks the database the SQL migrations build against it, column by column.
 */
interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

const PG_TYPE: Record<string, string> = { String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', DateTime: 'timestamp with time zone', Boolean: 'boolean', Json: 'jsonb' };

function parseSchema(text: string): { columns: Column[]; primaryKeys: Record<string, string[]> } {
  const enums = new Set([...text.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const models = [...text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  const columns: Column[] = [];
  const primaryKeys: Record<string, string[]> = {};
  for (const [, name, body] of models) {
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    const fieldToColumn = new Map<string, string>();
    for (const line of body.split('\n').map((l) => l.trim())) {
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!m || line.startsWith('//') || line.startsWith('@@')) continue;
      const [, field, type, list, optional, attrs] = m;
      if (modelNames.has(type)) continue; // relation fields are not columns
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? field;
      fieldToColumn.set(field, column);
      // a list of a scalar is a PostgreSQL array column (never null: Prisma lists are not optional)
      columns.push({ table, column, type: list ? 'ARRAY' : enums.has(type) ? 'USER-DEFINED' : PG_TYPE[type] ?? `unknown ${type}`, nullable: optional === '?' });
      if (/@id\b/.test(attrs)) primaryKeys[table] = [column];
    }
    const compound = /@@id\(\[([^\]]+)\]\)/.exec(body);
    if (compound) primaryKeys[table] = compound[1].split(',').map((f) => fieldToColumn.get(f.trim()) ?? f.trim());
  }
  return { columns, primaryKeys };
}

describe('the database matches schema.prisma', () => {
  const dbUrl = `${PG_URL}/exchange_schema_${process.pid}`;
  let pg: Client;

  beforeAll(async () => {
    await migrate(dbUrl);
    pg = new Client({ connectionString: dbUrl });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    const admin = new Client({ connectionString: `${PG_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "exchange_schema_${process.pid}" WITH (FORCE)`);
    await admin.end();
  });

  const schema = parseSchema(readFileSync(join(__dirname, '../../prisma/schema.prisma'), 'utf8'));

  test('when the migrations have run, then every table and column of schema.prisma exists with its type and nullability, and nothing else', async () => {
    const res = await pg.query(
      `SELECT table_name AS table, column_name AS column, data_type AS type, is_nullable = 'YES' AS nullable
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const key = (c: Column) => `${c.table}.${c.column}`;
    const sort = (cs: Column[]) => [...cs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(schema.columns.length).toBeGreaterThan(30);
    expect(sort(res.rows as Column[])).toEqual(sort(schema.columns));
  });

  test('when the migrations have run, then primary keys match @id and @@id', async () => {
    const res = await pg.query(
      `SELECT tc.table_name, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
       WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' AND tc.table_name <> '_prisma_migrations'
       GROUP BY tc.table_name`,
    );
    expect(Object.fromEntries(res.rows.map((r) => [r.table_name, r.columns]))).toEqual(schema.primaryKeys);
  });

  test('when migrate runs again, then it applies nothing and records each migration once, as Prisma does', async () => {
    expect(await migrate(dbUrl)).toEqual([]);
    const rows = await pg.query('SELECT migration_name, checksum FROM "_prisma_migrations"');
    expect(rows.rows.map((r) => r.migration_name).sort()).toEqual(readdirSync(join(__dirname, '..', '..', 'prisma', 'migrations')).filter((d) => /^\d{14}_/.test(d)).sort());
    expect(rows.rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

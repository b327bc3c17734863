import type { PrismaClient } from '../../runtime/prisma';

/** A registered user with the cash the database holds for them (cents), for the organiser's list. */
export interface ParticipantRow {
  id: string;
  username: string;
  role: string;
  createdAt: Date;
  cashAvailable: number;
  cashLocked: number;
}

export async function listParticipants(prisma: PrismaClient): Promise<ParticipantRow[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string; username: string; role: string; created_at: Date; available: bigint | null; locked: bigint | null }[]>(
    `SELECT u.id, u.username, u.role, u.created_at, b.available, b.locked
     FROM users u LEFT JOIN balances b ON b.user_id = u.id AND b.asset = 'CASH' ORDER BY u.created_at, u.id`,
  );
  return rows.map((u) => ({ id: u.id, username: u.username, role: u.role, createdAt: u.created_at, cashAvailable: Number(u.available ?? 0), cashLocked: Number(u.locked ?? 0) }));
}

/** Traded volume of one symbol in one period (notional in cents). */
export interface VolumeRow {
  symbol: string;
  period: Date;
  volume: number;
  notionalCents: number;
  trades: number;
}

/** Traded volume per symbol per period of `interval` (a PostgreSQL interval), newest period first. */
export async function tradedVolume(prisma: PrismaClient, interval: string, from: Date | null, to: Date | null): Promise<VolumeRow[]> {
  const rows = await prisma.$queryRawUnsafe<{ symbol: string; period: Date; volume: bigint; notional: bigint; trades: bigint }[]>(
    `SELECT symbol, date_bin($1::interval, executed_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS period,
            sum(quantity) AS volume, sum(price * quantity) AS notional, count(*) AS trades
     FROM trades WHERE ($2::timestamptz IS NULL OR executed_at >= $2) AND ($3::timestamptz IS NULL OR executed_at < $3)
     GROUP BY symbol, period ORDER BY period DESC, symbol`,
    interval, from, to,
  );
  return rows.map((v) => ({ symbol: v.symbol, period: v.period, volume: Number(v.volume), notionalCents: Number(v.notional), trades: Number(v.trades) }));
}

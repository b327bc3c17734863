import type { Command, EngineEvent, OrderEvent, TradeEvent } from '../core/types';
import type { MatchingEngine } from '../core/engine';
import { eventToWire, fillToWire, type Reply } from '../../contracts/wire';
import { ENTRY_FIELD } from '../../contracts/commands';
import type { StreamRecord } from '../../runtime/resp/replies';

export type { StreamRecord };

interface Routing {
  requestId?: unknown;
  replyTo?: unknown;
  orderId?: unknown;
}

export interface BatchResult {
  events: EngineEvent[];
  replies: { replyTo: string; reply: Reply }[];
  lastId: string;
}

/** The entry's JSON as the core's command; anything unreadable becomes a command the core refuses. */
export function toCommand(rec: StreamRecord): Command & Routing {
  const ts = Number(rec.id.slice(0, rec.id.indexOf('-')));
  let value: unknown = null;
  for (let i = 0; i + 1 < rec.fields.length; i += 2) {
    if (rec.fields[i] === ENTRY_FIELD) {
      try {
        value = JSON.parse(rec.fields[i + 1]);
      } catch {
        value = null;
      }
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { action: 'malformed', ts } as unknown as Command;
  // the parsed object is ours alone: stamping it saves a copy per command
  (value as { ts: number }).ts = ts;
  return value as Command & Routing;
}

/** Applies a batch of stream records to the core, collecting its events and each command's verdict. */
export function applyBatch(engine: MatchingEngine, records: StreamRecord[]): BatchResult {
  const events: EngineEvent[] = [];
  const replies: BatchResult['replies'] = [];
  for (const rec of records) {
    const cmd = toCommand(rec);
    const start = events.length;
    engine.apply(cmd, events);
    if (typeof cmd.replyTo === 'string' && typeof cmd.requestId === 'string') {
      replies.push({ replyTo: cmd.replyTo, reply: verdict(cmd.requestId, cmd, events, start, engine.seq) });
    }
  }
  return { events, replies, lastId: records.length > 0 ? records[records.length - 1].id : '' };
}

/**
 * One command's answer to its submitter: its order's state, its trades from the submitter's side,
 * its refusal. Only the submitter's own orders: a command's events also hold the makers it traded
 * with, which belong to others.
 */
function verdict(requestId: string, cmd: Command & Routing, events: EngineEvent[], start: number, seq: number): Reply {
  const orderId = typeof cmd.orderId === 'string' ? cmd.orderId : null;
  const userId = (cmd as { userId?: unknown }).userId;
  const allOrders = cmd.action === 'cancelAll';
  let order: OrderEvent | null = null;
  const cancelled: OrderEvent[] = [];
  let error: Reply['error'] = null;
  const trades: TradeEvent[] = [];
  for (let i = start; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'order') {
      const mine = orderId !== null ? e.orderId === orderId : e.userId === userId;
      if (!mine) continue;
      order = e;
      if (allOrders) cancelled.push(e);
    } else if (e.type === 'trade') trades.push(e);
    else if (e.type === 'error' && error === null) error = e.duplicateOf === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, duplicateOf: e.duplicateOf };
  }
  return {
    requestId,
    order: order === null ? null : (eventToWire(order) as Record<string, unknown>),
    // the submitter's side of each trade its command caused (the other party is not named)
    trades: trades.map((t) => fillToWire(t, t.sellUserId === userId ? 'SELL' : 'BUY') as Record<string, unknown>),
    error,
    ...(allOrders ? { orders: cancelled.map((o) => eventToWire(o) as Record<string, unknown>) } : {}),
    seq,
  };
}

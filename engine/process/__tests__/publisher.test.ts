import fc from 'fast-check';
import { names } from '../../../contracts/names';
import { balanceToWire, fillJson, fillToWire, publicTradeJson, publicTradeToWire, wireJson } from '../../../contracts/wire';
import { RespBatch } from '../../../runtime/resp/batch';
import { intents, toCommands } from '../../core/__tests__/arbitraries';
import { MatchingEngine } from '../../core/engine';
import { applyBatch, type StreamRecord } from '../batch';
import { MarketThrottle, publishBatch, tradesMark } from '../publisher';

/** the commands in a RESP buffer, the simple way */
function decode(bytes: Buffer): string[][] {
  const commands: string[][] = [];
  let pos = 0;
  const line = () => {
    const end = bytes.indexOf('\r\n', pos);
    const text = bytes.toString('latin1', pos, end);
    pos = end + 2;
    return text;
  };
  while (pos < bytes.length) {
    const n = Number(line().slice(1));
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = Number(line().slice(1));
      args.push(bytes.toString('utf8', pos, pos + len));
      pos += len + 2;
    }
    commands.push(args);
  }
  return commands;
}

const n = names('t:');

describe('publishing a batch', () => {
  it('sends every event on its channel as its wire JSON, the same bytes the hot state keeps, and each verdict to its api', () => {
    fc.assert(
      fc.property(intents(5), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), (list, sizes) => {
        const engine = new MatchingEngine();
        const throttle = new MarketThrottle(100);
        const records: StreamRecord[] = toCommands(list, 5).map((c, i) => {
          const { ts, ...rest } = c as typeof c & { ts: number };
          return { id: `${ts}-${i}`, fields: ['c', JSON.stringify({ ...rest, requestId: `r${i}`, replyTo: i % 2 === 0 ? 'api-a' : 'api-b' })] };
        });
        for (let at = 0, k = 0; at < records.length; k++) {
          const slice = records.slice(at, at + sizes[k % sizes.length]);
          at += slice.length;
          const batch = applyBatch(engine, slice);
          const balances = engine.takeDirtyBalances();
          const out = new RespBatch();
          publishBatch(out, n, engine, batch, balances, 5, throttle);
          const commands = decode(out.bytes());
          expect(out.count).toBe(commands.length);
          const published = (channel: string) => commands.filter((c) => c[0] === 'PUBLISH' && c[1] === channel).map((c) => c[2]);
          const stored = new Map<string, string[]>();
          for (const c of commands.filter((c) => c[0] === 'MSET')) for (let i = 1; i < c.length; i += 2) stored.set(c[i], [...(stored.get(c[i]) ?? []), c[i + 1]]);

          const orders = batch.events.filter((e) => e.type === 'order');
          // order updates and each party's fills, in event order, on the private channel
          const privately = batch.events.flatMap((e) => (e.type === 'order' ? [wireJson(e)] : e.type === 'trade' ? [fillJson(e, 'BUY'), fillJson(e, 'SELL')] : []));
          expect(published(n.channels.orderUpdates)).toEqual(privately);
          for (const e of orders) expect(stored.get(n.keys.order(e.orderId))).toContain(wireJson(e));
          const trades = batch.events.filter((e) => e.type === 'trade');
          // the tape names no participant and no order
          expect(published(n.channels.trades)).toEqual(trades.map(publicTradeJson));
          for (const t of published(n.channels.trades)) expect(Object.keys(JSON.parse(t) as object).sort()).toEqual(['price', 'quantity', 'seq', 'symbol', 'takerSide', 'timestamp', 'tradeId', 'type']);
          for (const e of trades) {
            expect(publicTradeJson(e)).toBe(JSON.stringify(publicTradeToWire(e)));
            for (const side of ['BUY', 'SELL'] as const) expect(fillJson(e, side)).toBe(JSON.stringify(fillToWire(e, side)));
          }
          for (const e of trades) expect(stored.get(n.keys.trade(e.tradeId))).toEqual([wireJson(e)]);
          const balanceJson = balances.map((b) => JSON.stringify(balanceToWire(b, engine.seq)));
          const credits = batch.events.filter((e) => e.type === 'credit').map(wireJson);
          expect(published(n.channels.balances)).toEqual([...credits, ...balanceJson]);
          for (const [i, b] of balances.entries()) expect(stored.get(n.keys.balance(b.userId))).toEqual([balanceJson[i]]);
          for (const api of ['api-a', 'api-b']) {
            const verdicts = published(n.channels.replies(api)).map((m) => JSON.parse(m) as { requestId: string });
            expect(verdicts.map((v) => v.requestId)).toEqual(batch.replies.filter((r) => r.replyTo === api).map((r) => r.reply.requestId));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('pacing the book and tick messages', () => {
  const sent = (t: MarketThrottle, now: number, force = false) => {
    const out: string[] = [];
    t.due(now, (book, tick, symbol) => out.push(`${symbol}:${book}:${tick ?? '-'}`), force);
    return out;
  };

  it('sends a symbol at most once an interval, the latest offered, and nothing is left waiting once the interval has passed', () => {
    const t = new MarketThrottle(100);
    t.offer('A', 'b1', 't1', 'v1');
    expect(sent(t, 1_000)).toEqual(['A:b1:t1']);
    t.offer('A', 'b2', 't2', 'v2');
    t.offer('A', 'b3', 't3', 'v3');
    expect(sent(t, 1_050)).toEqual([]);
    expect(t.pending).toBe(true);
    expect(sent(t, 1_100)).toEqual(['A:b3:t3']);
    expect(t.pending).toBe(false);
  });

  it('after a forced flush (before a snapshot), the symbol is paced from that moment, not held back for good', () => {
    const t = new MarketThrottle(100);
    t.offer('A', 'b1', 't1', 'v1');
    expect(sent(t, 1_000, true)).toEqual(['A:b1:t1']);
    t.offer('A', 'b2', 't2', 'v2');
    expect(sent(t, 1_050)).toEqual([]);
    // a forced flush once recorded its send at Number.MAX_SAFE_INTEGER: nothing of A went out again
    expect(sent(t, 1_100)).toEqual(['A:b2:t2']);
  });

  it('sends a tick only when a trade changed it since the last one sent, and then the latest', () => {
    const t = new MarketThrottle(100);
    t.offer('A', 'b1', 't1', 'none');
    expect(sent(t, 1_000)).toEqual(['A:b1:t1']);
    // the book moved, nobody traded: the tick's best bid and ask are in the depth already
    t.offer('A', 'b2', 't2', 'none');
    expect(sent(t, 1_100)).toEqual(['A:b2:-']);
    // a trade, then only a book change within the same interval: the latest tick carries the trade
    t.offer('A', 'b3', 't3', 'traded');
    t.offer('A', 'b4', 't4', 'traded');
    expect(sent(t, 1_200)).toEqual(['A:b4:t4']);
    t.offer('A', 'b5', 't5', 'traded');
    expect(sent(t, 1_300)).toEqual(['A:b5:-']);
  });

  it('names trading by last trade and volume, not by the best bid and ask', () => {
    const stats = { symbol: 'A', tickSize: 1, lotSize: 1, bidPrice: 99, bidQuantity: 5, askPrice: 101, askQuantity: 5, lastTradePrice: 100, lastTradeQuantity: 2, totalVolume: 10, u: 7 };
    expect(tradesMark({ ...stats, bidPrice: 98, askQuantity: 1, u: 8 })).toBe(tradesMark(stats));
    expect(tradesMark({ ...stats, totalVolume: 12 })).not.toBe(tradesMark(stats));
    expect(tradesMark({ ...stats, lastTradePrice: 101 })).not.toBe(tradesMark(stats));
  });
});

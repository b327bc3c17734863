import { connectSocket, http, loginAdmin, record, register, waitFor } from '../harness/client';
import { Stack } from '../harness/stack';

/** Organiser actions are audited and broadcast to organisers; the session follows its schedule. */
describe('organiser controls', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ REFERENCE_INTERVAL_MS: '100' }, ['engine', 'db-writer', 'api', 'ws-server', 'data-server']);
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when an organiser acts, then each successful action is in the audit log and reaches organisers, not participants', async () => {
    const token = await loginAdmin(stack);
    const participant = await register(stack, 'pat');
    const organiserSocket = await connectSocket(stack, token);
    const participantSocket = await connectSocket(stack, participant.token);
    try {
      const toOrganiser = record(organiserSocket, ['exchange']);
      const toParticipant = record(participantSocket, ['exchange']);
      expect((await http(stack, 'POST', '/admin/symbols', { token, body: { symbol: 'ACME' } })).status).toBe(200);
      expect((await http(stack, 'POST', '/admin/credit', { token, body: { userId: participant.id, asset: 'CASH', amount: 250 } })).status).toBe(200);
      expect((await http(stack, 'POST', '/admin/symbols', { token, body: { symbol: 'bad' } })).status).toBe(400);
      const log = await waitFor('two audit entries', async () => {
        const rows = (await http(stack, 'GET', '/admin/audit', { token })).body.data;
        return rows.length >= 2 ? rows : null;
      });
      expect(log.map((a: any) => [a.actor, a.action])).toEqual([
        ['organiser', '/credit'],
        ['organiser', '/symbols'],
      ]);
      expect(log[0].details).toEqual({ userId: participant.id, asset: 'CASH', amount: 250 });
      await waitFor('the broadcast to organisers', () => toOrganiser.filter((e) => e.data.type === 'audit').length === 2);
      expect(toParticipant.filter((e) => e.data.type === 'audit')).toEqual([]);
      expect(toParticipant.some((e) => e.data.type === 'symbolAdded')).toBe(true);
    } finally {
      organiserSocket.disconnect();
      participantSocket.disconnect();
    }
  });

  test('when an organiser resets a closed exchange, then balances, portfolios and the leaderboard start again while history stays', async () => {
    const token = await loginAdmin(stack);
    const a = await register(stack, 'resetter-a');
    const b = await register(stack, 'resetter-b');
    await http(stack, 'POST', '/admin/symbols', { token, body: { symbol: 'RST' } });
    await http(stack, 'POST', '/admin/credit', { token, body: { userId: a.id, asset: 'CASH', amount: 100 } });
    await http(stack, 'POST', '/admin/credit', { token, body: { userId: b.id, asset: 'RST', amount: 10 } });
    await http(stack, 'POST', '/admin/session', { token, body: { state: 'OPEN' } });
    await http(stack, 'POST', '/order/place', { token: b.token, body: { symbol: 'RST', side: 'SELL', price: 5, quantity: 4 } });
    await http(stack, 'POST', '/order/place', { token: a.token, body: { symbol: 'RST', side: 'BUY', price: 5, quantity: 4 } });
    expect((await http(stack, 'POST', '/admin/reset', { token })).status).toBe(409); // not while open
    await http(stack, 'POST', '/admin/session', { token, body: { state: 'CLOSED' } });
    const reset = await http(stack, 'POST', '/admin/reset', { token });
    expect(reset.body.data).toMatchObject({ reset: true });
    await waitFor('zero balances', async () => (await http(stack, 'GET', '/account/balance', { token: a.token })).body.data.cash.available === 0);
    expect((await http(stack, 'GET', '/account/balance', { token: a.token })).body.data.positions).toEqual({});
    expect((await http(stack, 'GET', '/portfolio', { token: a.token })).body.data).toMatchObject({ positions: [], equity: 0 });
    expect((await http(stack, 'GET', '/market/quote/RST')).body.data).toMatchObject({ lastTradePrice: null, totalVolume: 0 });
    expect((await http(stack, 'GET', '/history/trades', { token: a.token })).body.data.items).toHaveLength(1);
    // the new event
    await http(stack, 'POST', '/admin/credit', { token, body: { userId: a.id, asset: 'CASH', amount: 50 } });
    await http(stack, 'POST', '/admin/credit', { token, body: { userId: b.id, asset: 'RST', amount: 2 } });
    await http(stack, 'POST', '/admin/session', { token, body: { state: 'OPEN' } });
    await http(stack, 'POST', '/order/place', { token: b.token, body: { symbol: 'RST', side: 'SELL', price: 7, quantity: 2 } });
    expect((await http(stack, 'POST', '/order/place', { token: a.token, body: { symbol: 'RST', side: 'BUY', price: 7, quantity: 2 } })).body.data.status).toBe('FILLED');
    const p = await waitFor('the new event portfolio', async () => {
      const body = (await http(stack, 'GET', '/portfolio', { token: a.token })).body.data;
      return body.positions.length === 1 ? body : null;
    });
    expect(p.positions[0]).toMatchObject({ symbol: 'RST', quantity: 2, averageCost: 7, realizedPnl: 0 });
    expect(p.cash.available).toBe(36);
    await http(stack, 'POST', '/admin/session', { token, body: { state: 'CLOSED' } });
  });

  test('when a schedule is set, then the session opens, halts and closes on time, once each, as audited organiser actions', async () => {
    const token = await loginAdmin(stack);
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const set = await http(stack, 'POST', '/admin/schedule', { token, body: { entries: [{ state: 'HALTED', at: at(1200) }, { state: 'OPEN', at: at(300) }, { state: 'CLOSED', at: at(2400) }] } });
    expect(set.body.data.entries.map((e: any) => e.state)).toEqual(['OPEN', 'HALTED', 'CLOSED']);
    const states: string[] = [];
    await waitFor('the schedule to run to the end', async () => {
      const s = (await http(stack, 'GET', '/market/session')).body.data.state as string;
      if (states[states.length - 1] !== s) states.push(s);
      return s === 'CLOSED' && states.includes('HALTED');
    }, 10_000);
    expect(states).toEqual(expect.arrayContaining(['OPEN', 'HALTED', 'CLOSED']));
    expect(Date.now() - now).toBeGreaterThanOrEqual(2400);
    // the close is recorded when its answer is complete, after the end-of-session snapshot
    const audit = await waitFor('three audited session changes', async () => {
      const rows = (await http(stack, 'GET', '/admin/audit', { token })).body.data.filter((a: any) => a.action === '/session' && Date.parse(a.at) >= now);
      return rows.length === 3 ? rows : null;
    });
    expect(audit.map((a: any) => a.details.state).reverse()).toEqual(['OPEN', 'HALTED', 'CLOSED']);
    await new Promise((r) => setTimeout(r, 500));
    expect((await http(stack, 'GET', '/admin/audit', { token })).body.data.filter((a: any) => a.action === '/session' && Date.parse(a.at) >= now)).toHaveLength(3);
  });
});

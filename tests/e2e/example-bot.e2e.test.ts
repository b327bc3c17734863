import { spawnSync } from 'child_process';
import { join } from 'path';
import { admin, loginAdmin, http } from '../harness/client';
import { Stack } from '../harness/stack';

/** The example bots (TypeScript and Python), run as a participant would run them, against the real exchange. */
describe('example bot', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
    const token = await loginAdmin(stack);
    await admin(stack, token, 'symbols', { symbol: 'ACME' });
    await admin(stack, token, 'session', { state: 'OPEN' });
  }, 60_000);
  afterAll(async () => stack?.stop());

  test('when the example bot runs, then it logs in, subscribes, places and cancels orders and sees its own updates', async () => {
    // first run registers the bot; the organiser funds it; the second run trades
    const env = { ...process.env, EXCHANGE_URL: stack.apiUrl, WS_URL: stack.wsUrl, BOT_ROUNDS: '3' };
    const script = join(__dirname, '../../dist/examples/bot.js');
    const first = spawnSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 30_000 });
    expect(first.stdout).toMatch(/refused: 4 /);
    const token = await loginAdmin(stack);
    const participants = await http(stack, 'GET', '/admin/participants', { token });
    const bot = participants.body.data.find((p: { username: string }) => p.username === 'example-bot');
    await admin(stack, token, 'credit', { userId: bot.id, asset: 'CASH', amount: 100 });
    const second = spawnSync(process.execPath, [script], { env, encoding: 'utf8', timeout: 30_000 });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/done: 3 orders, \d+ updates/);
    expect(second.stdout).toMatch(/ PENDING 0\/1/);
    expect(second.stdout).toMatch(/ CANCELLED 0\/1/);
    const updates = Number(/done: 3 orders, (\d+) updates/.exec(second.stdout)![1]);
    expect(updates).toBeGreaterThanOrEqual(6);
  }, 60_000);

  test('when the Python example bot runs, then it does the same with requests and python-socketio, its order-update ids without a gap', async () => {
    // Debian's python3 with python3-socketio, python3-requests and python3-websocket (.ci/run installs them)
    const python = process.env.PYTHON ?? '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import socketio, requests, websocket'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`${python} cannot import socketio, requests and websocket: ${probe.stderr}`);
    const env = { ...process.env, EXCHANGE_URL: stack.apiUrl, WS_URL: stack.wsUrl, BOT_ROUNDS: '3', BOT_USER: 'example-py-bot' };
    const script = join(__dirname, '../../examples/bot.py');
    const first = spawnSync(python, [script], { env, encoding: 'utf8', timeout: 30_000 });
    expect(first.stdout).toMatch(/refused: 4 /);
    const token = await loginAdmin(stack);
    const participants = await http(stack, 'GET', '/admin/participants', { token });
    const bot = participants.body.data.find((p: { username: string }) => p.username === 'example-py-bot');
    await admin(stack, token, 'credit', { userId: bot.id, asset: 'CASH', amount: 100 });
    const second = spawnSync(python, [script], { env, encoding: 'utf8', timeout: 30_000 });
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toMatch(/done: 3 orders, \d+ updates, 0 gaps/);
    expect(second.stdout).toMatch(/ PENDING 0\/1/);
    expect(second.stdout).toMatch(/ CANCELLED 0\/1/);
    const updates = Number(/done: 3 orders, (\d+) updates/.exec(second.stdout)![1]);
    expect(updates).toBeGreaterThanOrEqual(6);
  }, 60_000);
});

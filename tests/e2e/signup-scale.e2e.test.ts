import { http } from '../harness/client';
import { Stack } from '../harness/stack';

const ROOM = Number(process.env.SIGNUP_ROOM ?? 300);

/**
 * A class signing up together from one school address, with the api's default limits; password
 * guessing still stopped, per username and per address.
 */
describe('sign-up at event scale', () => {
  let stack: Stack;

  beforeAll(async () => {
    const defaults = { AUTH_RATE_LIMIT_PER_MINUTE: Stack.DEFAULT, LOGIN_FAILURES_PER_USERNAME: Stack.DEFAULT, LOGIN_FAILURES_PER_ADDRESS: Stack.DEFAULT };
    stack = await Stack.start(defaults, ['engine', 'db-writer', 'api']);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test(`when ${ROOM} participants sign up from one address with the default settings, then every one is accepted`, async () => {
    const started = Date.now();
    const statuses: number[] = [];
    let next = 0;
    // ten at a time, as a room of browsers would send them
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < ROOM) {
          const i = next++;
          statuses.push((await http(stack, 'POST', '/auth/register', { body: { username: `student-${i}`, password: `class-password-${i}` } })).status);
        }
      }),
    );
    process.stdout.write(`${ROOM} sign-ups from one address took ${Date.now() - started} ms\n`);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(statuses).toHaveLength(ROOM);
  }, 180_000);

  test('when one username gets ten wrong passwords, then it waits (even with the right one) while others from the same address still log in', async () => {
    await http(stack, 'POST', '/auth/register', { body: { username: 'target', password: 'target-password-1' } });
    for (let i = 0; i < 10; i++) expect((await http(stack, 'POST', '/auth/login', { body: { username: 'target', password: `guess-${i}-xyz` } })).status).toBe(401);
    const locked = await http(stack, 'POST', '/auth/login', { body: { username: 'target', password: 'target-password-1' } });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 20 });
    expect(locked.body.error).toContain('for this username');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await http(stack, 'POST', '/auth/login', { body: { username: 'student-1', password: 'class-password-1' } })).status).toBe(200);
  }, 60_000);

  test('when one address keeps guessing across usernames, then it is stopped after the per-address limit', async () => {
    // 10 failures already counted for this address by the test before
    let status = 0;
    let tries = 0;
    for (; tries < 200; tries++) {
      status = (await http(stack, 'POST', '/auth/login', { body: { username: `nobody-${tries}`, password: 'wrong-password' } })).status;
      if (status !== 401) break;
    }
    expect(status).toBe(429);
    expect(tries + 10).toBe(100);
  }, 120_000);
});

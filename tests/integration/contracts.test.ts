import { apiConfigSchema, ConfigError, loadConfig } from '../../contracts/config';
import { ErrorCode, ErrorMessage, errorCodeName } from '../../contracts/errors';
import { centsToWire, wireToCents } from '../../contracts/money';
import { route } from '../../ws-server/router';

describe('contracts (pure)', () => {
  test('when wire money is parsed, then it becomes exact cents or null for anything sub-cent or malformed', () => {
    expect(wireToCents(101.5)).toBe(10150);
    expect(wireToCents('0.07')).toBe(7);
    expect(wireToCents('12')).toBe(1200);
    expect(wireToCents(0.1 + 0.2)).toBeNull();
    expect(wireToCents('1.005')).toBeNull();
    expect(wireToCents('1e3')).toBeNull();
    expect(wireToCents('abc')).toBeNull();
    expect(wireToCents(Number.NaN)).toBeNull();
    expect(wireToCents(-2.5)).toBe(-250);
    expect(centsToWire(10150)).toBe(101.5);
  });

  test('when the error table is read, then the original codes keep their numbers and every code has a message', () => {
    expect([ErrorCode.SUCCESS, ErrorCode.INVALID_SYMBOL, ErrorCode.INSUFFICIENT_BALANCE, ErrorCode.SYSTEM_ERROR]).toEqual([0, 1, 4, 7]);
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(ErrorMessage[v].length).toBeGreaterThan(0);
    expect(errorCodeName(5)).toBe('ORDER_NOT_FOUND');
  });

  test('when the config is invalid, then loading it fails naming each bad variable', () => {
    expect(() => loadConfig(apiConfigSchema, { API_PORT: 'eighty', JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig(apiConfigSchema, { API_PORT: 'eighty', JWT_SECRET: 'short' })).toThrow(/API_PORT.*JWT_SECRET|JWT_SECRET.*API_PORT/);
    expect(loadConfig(apiConfigSchema, {}).API_PORT).toBe(3000);
    expect(() => loadConfig(apiConfigSchema, { NODE_ENV: 'production' })).toThrow(/JWT_SECRET is the development default/);
    expect(loadConfig(apiConfigSchema, { NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-enough-length-0123' }).JWT_SECRET).toBe('a-real-secret-of-enough-length-0123');
  });

  test('when the UI\'s Socket.IO address is configured, then same-origin, a port or a URL is taken and anything else refused', () => {
    expect(loadConfig(apiConfigSchema, {}).PUBLIC_WS_URL).toBe(':3001');
    for (const ok of ['same-origin', ':443', 'https://ws.exchange.example']) expect(loadConfig(apiConfigSchema, { PUBLIC_WS_URL: ok }).PUBLIC_WS_URL).toBe(ok);
    for (const bad of ['3001', 'ws.example', 'javascript:alert(1)', ':']) expect(() => loadConfig(apiConfigSchema, { PUBLIC_WS_URL: bad })).toThrow(/PUBLIC_WS_URL/);
  });

  test('when engine messages are routed, then order updates, fills and errors go only to their owner and the public tape to the symbol\'s subscribers', () => {
    expect(route({ type: 'order', userId: 'u1', symbol: 'A' })).toEqual({ event: 'order', rooms: ['user:u1'] });
    expect(route({ type: 'error', userId: 'u1' })).toEqual({ event: 'error', rooms: ['user:u1'] });
    expect(route({ type: 'trade', symbol: 'A' })).toEqual({ event: 'trade', rooms: ['trades:A'] });
    expect(route({ type: 'fill', userId: 'b', symbol: 'A' })).toEqual({ event: 'fill', rooms: ['user:b'] });
    expect(route({ type: 'fill', symbol: 'A' })).toBeNull();
    expect(route({ type: 'depth', symbol: 'A' })).toEqual({ event: 'depth', rooms: ['market:A'] });
    expect(route({ type: 'balance', userId: 'u2' })).toEqual({ event: 'balance', rooms: ['user:u2'] });
    expect(route({ type: 'portfolio', userId: 'u2' })).toEqual({ event: 'portfolio', rooms: ['user:u2'] });
    expect(route({ type: 'leaderboard' })).toEqual({ event: 'leaderboard', rooms: ['leaderboard'] });
    expect(route({ type: 'session' })).toEqual({ event: 'exchange', rooms: ['everyone'] });
    expect(route({ type: 'audit' })).toEqual({ event: 'exchange', rooms: ['organisers'] });
    // a participant's post to its author and followers, carrying the post only (not whom it went to); an announcement to everyone
    expect(route({ type: 'post', to: ['a', 'f1'], post: { postId: 1 } })).toEqual({ event: 'post', rooms: ['user:a', 'user:f1'], data: { postId: 1 } });
    expect(route({ type: 'post', to: 'everyone', post: { postId: 2 } })).toEqual({ event: 'post', rooms: ['everyone'], data: { postId: 2 } });
    expect(route({ type: 'post', to: 'followers', post: { postId: 3 } })).toBeNull();
    expect(route({ type: 'post', to: ['a'] })).toBeNull();
    expect(route({ type: 'notification', userId: 'u3', notification: { notificationId: 9 } })).toEqual({ event: 'notification', rooms: ['user:u3'], data: { notificationId: 9 } });
    expect(route({ type: 'notification', notification: { notificationId: 9 } })).toBeNull();
    // a credit is followed by the participant's new balance, which is what clients get
    expect(route({ type: 'credit', userId: 'u2' })).toBeNull();
    expect(route({ type: 'order' })).toBeNull();
    expect(route({ type: 'mystery' })).toBeNull();
  });
});

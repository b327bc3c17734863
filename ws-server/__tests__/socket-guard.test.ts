import { MessageBudget, originAllowed } from '../socket-guard';

describe('socket guard', () => {
  it('when no origins are configured, then pages of the server\'s own host name (any port) and clients without an Origin get in, others not', () => {
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3001', [])).toBe(true);
    expect(originAllowed('https://exchange.example', 'exchange.example', [])).toBe(true);
    expect(originAllowed(undefined, '127.0.0.1:3001', [])).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:3001', [])).toBe(false);
    expect(originAllowed('null', '127.0.0.1:3001', [])).toBe(false);
    expect(originAllowed('http://[::1]:3000', '[::1]:3001', [])).toBe(true);
  });

  it('when origins are configured, then exactly those get in', () => {
    expect(originAllowed('https://ui.example', 'ws.example', ['https://ui.example'])).toBe(true);
    expect(originAllowed('https://ws.example', 'ws.example', ['https://ui.example'])).toBe(false);
  });

  it('when a socket sends more than its messages per second, then the rest of that second is refused, and far more closes it', () => {
    const b = new MessageBudget(3);
    expect([1, 2, 3, 4].map(() => b.take(1000))).toEqual(['ok', 'ok', 'ok', 'refuse']);
    expect(b.take(2000)).toBe('ok');
    const flood = new MessageBudget(2);
    const verdicts = Array.from({ length: 11 }, () => flood.take(5000));
    expect(verdicts.slice(-1)).toEqual(['close']);
  });
});

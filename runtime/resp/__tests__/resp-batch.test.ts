import fc from 'fast-check';
import { FENCED_SCRIPT, MAX_FENCED_ARGS, RespBatch } from '../batch';

/** RESP as the protocol defines it, written the obvious way. */
const reference = (commands: string[][]) =>
  Buffer.concat(commands.map((args) => Buffer.from(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''))));

describe('RespBatch', () => {
  it('encodes commands and publishes byte for byte as RESP, whatever the text', () => {
    // ASCII, multi-byte UTF-8 whose byte count has more digits than its length, and lone surrogates
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 2000 }), fc.constantFrom('', 'é'.repeat(4), '€'.repeat(5), '€'.repeat(34), '\ud800x'));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.tuple(fc.constant('cmd'), fc.array(text, { minLength: 1, maxLength: 5 })), fc.tuple(fc.constant('pub'), fc.tuple(text, text))), { maxLength: 30 }), (ops) => {
        const batch = new RespBatch();
        const expected: string[][] = [];
        for (const [kind, args] of ops) {
          if (kind === 'cmd') {
            batch.cmd(...args);
            expected.push(args);
          } else {
            batch.publish(args[0], args[1]);
            expected.push(['PUBLISH', args[0], args[1]]);
          }
        }
        expect(batch.count).toBe(ops.length);
        expect(batch.bytes().equals(reference(expected))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a fenced batch as one EVAL of the fence script, each command its argument count and arguments', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('', '€'.repeat(34), '\ud800x'));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.tuple(fc.constant('cmd'), fc.array(text, { minLength: 1, maxLength: 5 })), fc.tuple(fc.constant('pub'), fc.tuple(text, text))), { minLength: 1, maxLength: 30 }), text, (ops, token) => {
        const batch = RespBatch.fenced('lease', token);
        const flat: string[] = [];
        for (const [kind, args] of ops) {
          const command = kind === 'cmd' ? args : ['PUBLISH', args[0], args[1]];
          if (kind === 'cmd') batch.cmd(...args);
          else batch.publish(args[0], args[1]);
          flat.push(String(command.length), ...command);
        }
        expect(batch.count).toBe(1);
        expect(batch.bytes().equals(reference([['EVAL', FENCED_SCRIPT, '1', 'lease', token, ...flat]]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a fenced command longer than the script can pass on, and sends nothing for an empty fenced batch', () => {
    expect(() => RespBatch.fenced('lease', '1').cmd('MSET', ...Array.from({ length: MAX_FENCED_ARGS + 1 }, () => 'x'))).toThrow(/at most/);
    expect(RespBatch.fenced('lease', '1').count).toBe(0);
  });

  it('grows past its starting size and keeps what it had', () => {
    const batch = new RespBatch();
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 20; i++) batch.cmd('SET', `k${i}`, big);
    batch.cmd('INCRBY', 'n', 42);
    expect(batch.bytes().equals(reference([...Array.from({ length: 20 }, (_, i) => ['SET', `k${i}`, big]), ['INCRBY', 'n', '42']]))).toBe(true);
  });

  it('keeps every batch intact when batches are filled side by side and the shared buffer is reused after one is taken', () => {
    const a = new RespBatch();
    const b = new RespBatch();
    const empty = new RespBatch();
    expect(empty.count).toBe(0);
    for (let i = 0; i < 50; i++) {
      a.cmd('SET', `a${i}`, 'é'.repeat(i));
      b.publish('ch', `b${i}`.repeat(300));
    }
    const taken = a.bytes();
    const c = new RespBatch();
    for (let i = 0; i < 50; i++) c.cmd('SET', `c${i}`, 'zz'.repeat(2000));
    const cBytes = c.bytes();
    expect(taken.equals(reference(Array.from({ length: 50 }, (_, i) => ['SET', `a${i}`, 'é'.repeat(i)])))).toBe(true);
    expect(b.bytes().equals(reference(Array.from({ length: 50 }, (_, i) => ['PUBLISH', 'ch', `b${i}`.repeat(300)])))).toBe(true);
    expect(cBytes.equals(reference(Array.from({ length: 50 }, (_, i) => ['SET', `c${i}`, 'zz'.repeat(2000)])))).toBe(true);
    expect(a.bytes().equals(taken)).toBe(true);
  });
});

import fc from 'fast-check';
import { decodeRange, decodeReadGroup, ReplyAssembler, type StreamRecord } from '../replies';

/** RESP as the protocol defines it, written the obvious way */
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const entriesReply = (entries: StreamRecord[]) => `*${entries.length}\r\n` + entries.map((e) => `*2\r\n${bulk(e.id)}*${e.fields.length}\r\n${e.fields.map(bulk).join('')}`).join('');
const readGroupReply = (stream: string, entries: StreamRecord[]) => `*1\r\n*2\r\n${bulk(stream)}${entriesReply(entries)}`;

/** feeds `bytes` in the given chunk sizes; the reply must be complete exactly with the last chunk */
function assemble(bytes: Buffer, sizes: number[]): Buffer {
  const a = new ReplyAssembler();
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes.length === 0 ? bytes.length : sizes[i % sizes.length]);
    a.push(bytes.subarray(at, at + size));
    at += size;
    const reply = a.next();
    expect(reply !== null).toBe(at >= bytes.length);
    if (reply !== null) return Buffer.from(reply);
  }
  throw new Error('no reply');
}

const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('', '\r\n', '*3\r\n$1\r\n', '€'.repeat(40)));
const entry = fc.record({ id: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`), fields: fc.array(text, { maxLength: 6 }) });

describe('reading stream replies', () => {
  it('decodes XREADGROUP and XRANGE replies whatever the text, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 5 }), (entries, sizes) => {
        const group = Buffer.from(readGroupReply('order_input_queue', entries));
        expect(decodeReadGroup(assemble(group, sizes))).toEqual(entries);
        const range = Buffer.from(entriesReply(entries));
        expect(decodeRange(assemble(range, sizes))).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a nil reply (BLOCK ran out) as no entries, byte by byte too', () => {
    expect(decodeReadGroup(assemble(Buffer.from('*-1\r\n'), [1]))).toEqual([]);
  });

  it("turns an error reply into an error with Redis's message", () => {
    const reply = assemble(Buffer.from('-NOGROUP No such key or consumer group\r\n'), [3]);
    expect(() => decodeReadGroup(reply)).toThrow('NOGROUP No such key or consumer group');
  });

  it('starts over cleanly after a reply, and after a reset in the middle of one', () => {
    const a = new ReplyAssembler();
    const one: StreamRecord[] = [{ id: '1-1', fields: ['c', '{"a":1}'] }];
    const two: StreamRecord[] = [{ id: '2-2', fields: ['c', 'é'] }];
    a.push(Buffer.from(readGroupReply('s', one)));
    expect(decodeReadGroup(a.next()!)).toEqual(one);
    a.push(Buffer.from(readGroupReply('s', two)).subarray(0, 9));
    expect(a.next()).toBeNull();
    a.reset();
    a.push(Buffer.from(readGroupReply('s', two)));
    expect(decodeReadGroup(a.next()!)).toEqual(two);
  });
});

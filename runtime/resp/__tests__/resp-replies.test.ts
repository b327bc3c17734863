import fc from 'fast-check';
import { errorOf, ReplyAssembler } from '../replies';

/** RESP replies as the protocol defines them */
type Reply = { t: '+' | '-' | ':'; v: string } | { t: '$'; v: string | null } | { t: '*'; v: Reply[] | null };
const encode = (r: Reply): string => {
  if (r.t === '$') return r.v === null ? '$-1\r\n' : `$${Buffer.byteLength(r.v)}\r\n${r.v}\r\n`;
  if (r.t === '*') return r.v === null ? '*-1\r\n' : `*${r.v.length}\r\n${r.v.map(encode).join('')}`;
  return `${r.t}${r.v}\r\n`;
};
const line = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
const { reply } = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constantFrom('+' as const, '-' as const), v: line }),
    fc.record({ t: fc.constant(':' as const), v: fc.integer().map(String) }),
    fc.record({ t: fc.constant('$' as const), v: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }) }),
    fc.record({ t: fc.constant('*' as const), v: fc.option(fc.array(tie('reply'), { maxLength: 4 }), { nil: null }) }),
  ),
}));

describe("reading Redis's replies", () => {
  it('hands out each of a pipeline of replies once it is all here, however the bytes are split, and nothing before', () => {
    fc.assert(
      fc.property(fc.array(reply, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }), (replies, sizes) => {
        const parts = replies.map((r) => Buffer.from(encode(r)));
        const all = Buffer.concat(parts);
        const a = new ReplyAssembler();
        const got: string[] = [];
        const ends = parts.map((_, i) => parts.slice(0, i + 1).reduce((n, p) => n + p.length, 0));
        for (let at = 0, k = 0; at < all.length; k++) {
          const size = sizes[k % sizes.length];
          a.push(all.subarray(at, at + size));
          at = Math.min(all.length, at + size);
          for (let r = a.next(); r !== null; r = a.next()) got.push(r.toString('latin1'));
          // exactly the replies whose last byte has come
          expect(got.length).toBe(ends.filter((e) => e <= at).length);
        }
        expect(got).toEqual(parts.map((p) => p.toString('latin1')));
        expect(a.next()).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it("reads an error reply's text, and nothing else as an error", () => {
    expect(errorOf(Buffer.from('-FENCED the engine lease is held by another engine\r\n'))).toBe('FENCED the engine lease is held by another engine');
    for (const r of ['+OK\r\n', ':1\r\n', '$-1\r\n', '*0\r\n']) expect(errorOf(Buffer.from(r))).toBeNull();
  });
});

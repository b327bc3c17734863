import fc from 'fast-check';
import { skipReply } from '../resp-writer';

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
  it('finds where each reply ends, and says when the last one is not all here', () => {
    fc.assert(
      fc.property(fc.array(reply, { minLength: 1, maxLength: 8 }), (replies) => {
        const parts = replies.map((r) => Buffer.from(encode(r)));
        const all = Buffer.concat(parts);
        let pos = 0;
        for (const part of parts) {
          expect(skipReply(all, pos)).toBe(pos + part.length);
          // any cut inside this reply leaves it incomplete
          for (let cut = pos; cut < pos + part.length; cut++) expect(skipReply(all.subarray(0, cut), pos)).toBe(-1);
          pos += part.length;
        }
        expect(skipReply(all, pos)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Participants are competitors: one must not be able to pass for another by a name that only looks
 * the same. A name is taken as typed after Unicode NFKC normalisation (so a full-width `Ａｌｉｃｅ`
 * is `Alice`), and two names clash when their skeletons are equal: the name in lower case, with
 * the characters people confuse (0 and o, 1 and l and i, rn and m...) folded together and the
 * separators left out. The database keeps each skeleton once.
 */
export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

// one letter for each digit that passes for it, and no two digits alike: `trader6` and `trader8`
// are two people, `trader1` and `traderl` one
const FOLD: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l', '5': 's', '3': 'e', '4': 'a' };

export function usernameSkeleton(name: string): string {
  let s = normaliseUsername(name).toLowerCase();
  s = s.replace(/[._-]/g, '');
  s = s.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd');
  let out = '';
  for (const ch of s) out += FOLD[ch] ?? ch;
  return out;
}

import { hasTimeLeft, newest, sessionFrom } from '../session';

const user = { id: 'u1', username: 'carol', role: 'PARTICIPANT' };
const tokens = (n: number, expiresIn = 900) => ({ accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn });

describe('session lifetime', () => {
  it('when the api says 900 s, then the token is counted good for 899 s from when the request left', () => {
    const s = sessionFrom(tokens(1), user, 1_000_000);
    expect(s.validUntil).toBe(1_000_000 + 899_000);
  });

  it('when less than a quarter of the life (at most 30 s) is left, then the token needs renewing', () => {
    const long = sessionFrom(tokens(1), user, 0);
    expect(hasTimeLeft(long, 899_000 - 30_001)).toBe(true);
    expect(hasTimeLeft(long, 899_000 - 30_000)).toBe(false);
    // a two-second token (the session test's) holds for one sure second, renewed after 750 ms
    const short = sessionFrom(tokens(2, 2), user, 0);
    expect(hasTimeLeft(short, 749)).toBe(true);
    expect(hasTimeLeft(short, 750)).toBe(false);
  });

  it('when a session was stored without its lifetime (an older page), then it is renewed at first use', () => {
    expect(hasTimeLeft({ accessToken: 'a', refreshToken: 'r', user }, 0)).toBe(false);
  });

  it('when two copies differ, then the one obtained last is kept, whichever side it is on', () => {
    const older = sessionFrom(tokens(1), user, 10);
    const later = sessionFrom(tokens(2), user, 20);
    expect(newest(older, later)).toBe(later);
    expect(newest(later, older)).toBe(later);
    expect(newest(null, older)).toBe(older);
    expect(newest(older, null)).toBe(older);
    expect(newest(null, null)).toBeNull();
  });
});

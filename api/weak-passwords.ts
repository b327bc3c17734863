/**
 * Passwords anyone would try first: refused at registration, with one containing the username.
 * (A short list on purpose: the rate limit on /auth and scrypt make guessing slow; this keeps out
 * the guesses that would still work.)
 */
const COMMON = new Set([
  'password', 'password1', 'password123', 'passw0rd', '12345678', '123456789', '1234567890', 'qwertyui', 'qwerty123', 'qwertyuiop',
  'iloveyou', 'sunshine', 'princess', 'football', 'baseball', 'welcome1', 'admin123', 'letmein1', 'trustno1', 'abc12345',
  '11111111', '00000000', '87654321', 'superman', 'starwars', 'whatever', 'computer', 'michelle', 'jennifer', 'trading1',
  'exchange', 'exchange1', 'stockmarket', 'changeme', 'changeme1', 'asdfghjk', 'zxcvbnm1', 'aaaaaaaa', 'password!', 'p@ssw0rd',
]);

/** why a password is too weak, or null if it will do */
export function weakPassword(password: string, username: string): string | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password: one of the most common passwords; choose another';
  if (username.length > 0 && lower.includes(username.toLowerCase())) return 'password: must not contain the username';
  if (new Set(password).size < 4) return 'password: too few different characters';
  return null;
}

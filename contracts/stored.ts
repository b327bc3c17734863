/**
 * Values read back from Redis hot state. The engine writes them as valid JSON, but a reader must not
 * answer 500 because one is not (a value written by hand, or by an older version): such a value
 * reads as absent, and the caller answers as it would for a missing key.
 */
export function parseStored<T = unknown>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as unknown;
    return value === null || typeof value !== 'object' ? null : (value as T);
  } catch {
    return null;
  }
}

/** the values of a list that can be read, in order, the others left out */
export function parseStoredList<T = unknown>(raws: (string | null)[]): T[] {
  const out: T[] = [];
  for (const raw of raws) {
    const value = parseStored<T>(raw);
    if (value !== null) out.push(value);
  }
  return out;
}

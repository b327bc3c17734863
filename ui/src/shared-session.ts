/**
 * The latest session, shared by the tabs of one browser in IndexedDB. localStorage keeps it too
 * (read synchronously when a page starts), but Chromium hands localStorage writes to other tabs'
 * processes asynchronously: a tab that takes the refresh lock the moment another released it could
 * still read the spent refresh token there, present it, and have the api end the session as
 * stolen. Every IndexedDB read goes to the one store all tabs share.
 */
const DB_NAME = 'mock-exchange';
const STORE = 'session';
const KEY = 'current';

let opening: Promise<IDBDatabase | null> | null = null;

function database(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  opening ??= new Promise((resolve) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    // without IndexedDB (some private modes) the tabs fall back to localStorage alone
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return opening;
}

/** The shared session, null if there is none, undefined if IndexedDB cannot be used here. */
export async function readShared<T>(): Promise<T | null | undefined> {
  const db = await database();
  if (db === null) return undefined;
  return new Promise((resolve) => {
    const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
    req.onsuccess = () => resolve((req.result as T | undefined) ?? null);
    req.onerror = () => resolve(undefined);
  });
}

/** Stores (or with null, forgets) the shared session; resolves once other tabs can read it. */
export async function writeShared<T>(value: T | null): Promise<void> {
  const db = await database();
  if (db === null) return;
  await new Promise<void>((resolve) => {
    const tx = db.transaction(STORE, 'readwrite');
    if (value === null) tx.objectStore(STORE).delete(KEY);
    else tx.objectStore(STORE).put(value, KEY);
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
    tx.onabort = () => resolve();
  });
}

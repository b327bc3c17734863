/**
 * The browser's REST client: the exchange's `{success, data}` envelope, the session kept in
 * localStorage (and shared with other tabs), the access token renewed before it expires, and a
 * request refused for an expired token renewed and retried once.
 */
export type { SessionUser } from './session.js';
import { hasTimeLeft, newest, sessionFrom, type SessionUser, type StoredSession } from './session.js';
import { ErrorCode } from './generated/errors.js';
import { readShared, writeShared } from './shared-session.js';

export interface ApiResult<T = any> {
  ok: boolean;
  status: number;
  data: T;
  /** the exchange's message and code when !ok */
  error: string;
  code: number;
}

const STORAGE_KEY = 'mock-exchange.session';

function stored(): StoredSession | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as StoredSession;
  } catch {
    return null;
  }
}
const REFRESH_LOCK = 'mock-exchange-session-refresh';

export class Api {
  private session: StoredSession | null;
  private refreshing: Promise<boolean> | null = null;
  private tokenListeners: ((token: string) => void)[] = [];
  onSignedOut: () => void = () => {};

  constructor() {
    this.session = stored();
  }

  get user(): SessionUser | null {
    return this.session?.user ?? null;
  }

  get accessToken(): string | null {
    return this.session?.accessToken ?? null;
  }

  async signIn(kind: 'login' | 'register', username: string, password: string): Promise<ApiResult> {
    const sentAt = Date.now();
    const res = await this.send<any>('POST', `/auth/${kind}`, { username, password }, null);
    if (res.ok) await this.store(sessionFrom(res.data, res.data.user, sentAt));
    return res;
  }

  /** Called with every new access token (the live socket hands it to ws-server, which keeps it open). */
  onTokens(listener: (token: string) => void): void {
    this.tokenListeners.push(listener);
  }

  /** Milliseconds until the access token should be renewed (0 if it should be now). */
  renewInMs(now = Date.now()): number {
    const s = this.session;
    if (s === null || s.obtainedAt === undefined || s.validUntil === undefined) return 0;
    return Math.max(0, s.validUntil - Math.min(30_000, (s.validUntil - s.obtainedAt) / 4) - now);
  }

  /** The session ended elsewhere (logout in another tab, revocation): forget it here too. */
  async forget(): Promise<void> {
    await this.store(null);
    this.onSignedOut();
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    await this.store(null);
    if (refreshToken !== undefined) await this.send('POST', '/auth/logout', { refreshToken }, null).catch(() => undefined);
    this.onSignedOut();
  }

  /**
   * An access token with time left: the current one, or a renewed one (rotated here, or the one
   * another tab rotated). Null once signed out. Asked before every request and every Socket.IO
   * handshake, so a token is renewed before it expires rather than after a refusal.
   */
  async freshToken(): Promise<string | null> {
    const s = this.session;
    if (s === null) return null;
    if (hasTimeLeft(s, Date.now())) return s.accessToken;
    await this.refresh(s.accessToken);
    return this.accessToken;
  }

  /**
   * Renews the session whose access token `spent` is no longer good, once, however many callers
   * (and tabs) find it so at the same moment.
   */
  refresh(spent = this.accessToken ?? ''): Promise<boolean> {
    if (this.refreshing !== null) return this.refreshing;
    // Tabs of one browser share the session: two rotating it at once would present one refresh
    // token twice, which the api takes for theft and answers by ending every session. A lock across
    // tabs (where the page is a secure context) makes the second wait and take the first's tokens.
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const once = () => this.refreshOnce(spent);
    // the lock's promise settles with the callback's result (DOM's typing leaves it wrapped)
    const refreshing = (locks !== undefined ? (locks.request(REFRESH_LOCK, once) as unknown as Promise<boolean>) : once()).finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async refreshOnce(spent: string): Promise<boolean> {
    // Another tab may have rotated the tokens already. Its access token is taken only if it still
    // has time left (it may have been rotated long ago); otherwise the newest refresh token is the
    // one to present, since presenting a spent one would look like theft.
    const shared = await readShared<StoredSession>();
    const latest = newest(this.session, shared === undefined || shared === null ? stored() : shared);
    if (latest === null) return false;
    if (latest.accessToken !== spent && hasTimeLeft(latest, Date.now())) {
      this.session = latest;
      this.announce(latest.accessToken);
      return true;
    }
    const sentAt = Date.now();
    const res = await this.send<any>('POST', '/auth/refresh', { refreshToken: latest.refreshToken }, null);
    if (!res.ok) {
      // refused (revoked, expired, or spent): the session is over. Unreachable: keep it and let
      // the caller see the failure; the next request tries again.
      if (res.status !== 0 && res.status < 500) {
        await this.store(null);
        this.onSignedOut();
      }
      return false;
    }
    // awaited before the lock is released, so the tab waiting for it reads these tokens
    await this.store(sessionFrom(res.data, latest.user, sentAt));
    return true;
  }

  /** A request with the session's token; `body` as JSON, or a `Text` body sent as it is (an event file). */
  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const token = await this.freshToken();
    const res = await this.send<T>(method, path, body, token);
    // refused for an expired token all the same (a clock that jumped, a machine that slept):
    // renewed and tried once more
    if (res.status === 401 && res.code === ErrorCode.UNAUTHORIZED && token !== null && (await this.refresh(token))) {
      return this.send<T>(method, path, body, this.accessToken);
    }
    return res;
  }

  /** A download (results as CSV): the raw text, with the session's token. */
  async text(path: string): Promise<{ ok: boolean; text: string }> {
    const token = await this.freshToken();
    const res = await fetch(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } }).catch(() => null);
    return res === null ? { ok: false, text: '' } : { ok: res.ok, text: await res.text() };
  }

  private async send<T>(method: string, path: string, body: unknown, token: string | null): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    const raw = body instanceof Text;
    if (body !== undefined) headers['content-type'] = raw ? body.type : 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : raw ? body.text : JSON.stringify(body) });
    } catch (err) {
      return { ok: false, status: 0, data: undefined as T, error: `The exchange cannot be reached (${String(err)})`, code: -1 };
    }
    const parsed = (await res.json().catch(() => null)) as { success?: boolean; data?: T; error?: string; code?: number } | null;
    if (parsed !== null && parsed.success === true) return { ok: true, status: res.status, data: parsed.data as T, error: '', code: 0 };
    return { ok: false, status: res.status, data: parsed?.data as T, error: parsed?.error ?? `HTTP ${res.status}`, code: parsed?.code ?? -1 };
  }

  private announce(token: string): void {
    for (const listener of this.tokenListeners) listener(token);
  }

  /** Keeps the session here, in localStorage and for the other tabs; resolves once they can read it. */
  private store(session: StoredSession | null): Promise<void> {
    const changed = session !== null && session.accessToken !== this.session?.accessToken;
    this.session = session;
    if (changed) this.announce(session.accessToken);
    if (session === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    return writeShared(session);
  }
}

/** A request body sent as it is, with its media type (not as JSON). */
export class Text {
  constructor(
    readonly text: string,
    readonly type: string,
  ) {}
}

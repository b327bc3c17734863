/**
 * The browser's REST client: the exchange's `{success, data}` envelope, the session kept in
 * localStorage, and one silent token refresh when the access token has expired.
 */
import { readShared, writeShared } from './shared-session.js';

export interface SessionUser {
  id: string;
  username: string;
  role: 'PARTICIPANT' | 'ADMIN' | string;
}

export interface ApiResult<T = any> {
  ok: boolean;
  status: number;
  data: T;
  /** the exchange's message and code when !ok */
  error: string;
  code: number;
}

interface StoredSession {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

const STORAGE_KEY = 'mock-exchange.session';

function stored(): StoredSession | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  return raw === null ? null : (JSON.parse(raw) as StoredSession);
}
const UNAUTHORIZED = 18;
const REFRESH_LOCK = 'mock-exchange-session-refresh';

export class Api {
  private session: StoredSession | null;
  private refreshing: Promise<boolean> | null = null;
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
    const res = await this.send<any>('POST', `/auth/${kind}`, { username, password }, null);
    if (res.ok) await this.store({ accessToken: res.data.accessToken, refreshToken: res.data.refreshToken, user: res.data.user });
    return res;
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    await this.store(null);
    if (refreshToken !== undefined) await this.send('POST', '/auth/logout', { refreshToken }, null).catch(() => undefined);
    this.onSignedOut();
  }

  /** Rotates the tokens once, however many callers found theirs expired at the same moment. */
  refresh(): Promise<boolean> {
    if (this.refreshing !== null) return this.refreshing;
    // Tabs of one browser share the session: two rotating it at once would present one refresh
    // token twice, which the api takes for theft and answers by ending every session. A lock across
    // tabs (where the page is a secure context) makes the second wait and take the first's tokens.
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const once = () => this.refreshOnce();
    // the lock's promise settles with the callback's result (DOM's typing leaves it wrapped)
    const refreshing = (locks !== undefined ? (locks.request(REFRESH_LOCK, once) as unknown as Promise<boolean>) : once()).finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    // another tab may have rotated the tokens already: presenting the spent refresh token would
    // look like theft
    const shared = await readShared<StoredSession>();
    const latest = shared === undefined || shared === null ? stored() : shared;
    if (latest !== null && this.session !== null && latest.refreshToken !== this.session.refreshToken) {
      this.session = latest;
      return true;
    }
    const session = this.session;
    if (session === null) return false;
    const res = await this.send<any>('POST', '/auth/refresh', { refreshToken: session.refreshToken }, null);
    if (!res.ok) {
      await this.store(null);
      this.onSignedOut();
      return false;
    }
    const next = { ...session, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken };
    // awaited before the lock is released, so the tab waiting for it reads these tokens
    await this.store(next);
    return true;
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const res = await this.send<T>(method, path, body, this.accessToken);
    if (res.status === 401 && res.code === UNAUTHORIZED && this.session !== null && (await this.refresh())) {
      return this.send<T>(method, path, body, this.accessToken);
    }
    return res;
  }

  private async send<T>(method: string, path: string, body: unknown, token: string | null): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      return { ok: false, status: 0, data: undefined as T, error: `The exchange cannot be reached (${String(err)})`, code: -1 };
    }
    const parsed = (await res.json().catch(() => null)) as { success?: boolean; data?: T; error?: string; code?: number } | null;
    if (parsed !== null && parsed.success === true) return { ok: true, status: res.status, data: parsed.data as T, error: '', code: 0 };
    return { ok: false, status: res.status, data: parsed?.data as T, error: parsed?.error ?? `HTTP ${res.status}`, code: parsed?.code ?? -1 };
  }

  /** Keeps the session here, in localStorage and for the other tabs; resolves once they can read it. */
  private store(session: StoredSession | null): Promise<void> {
    this.session = session;
    if (session === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    return writeShared(session);
  }
}

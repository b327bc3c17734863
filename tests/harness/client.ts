import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/socket';
import { ADMIN, type Stack } from './stack';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Real HTTP against the api. */
export async function http<T = any>(stack: Stack, method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${stack.apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export interface Participant {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

export async function register(stack: Stack, username: string, password = 'correct-horse-battery'): Promise<Participant> {
  const res = await http(stack, 'POST', '/auth/register', { body: { username, password } });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.user.id, username, token: res.body.data.accessToken, refreshToken: res.body.data.refreshToken };
}

export async function loginAdmin(stack: Stack): Promise<string> {
  const res = await http(stack, 'POST', '/auth/login', { body: ADMIN });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.accessToken as string;
}

export async function admin(stack: Stack, token: string, path: string, body: unknown): Promise<void> {
  const res = await http(stack, 'POST', `/admin/${path}`, { token, body });
  if (res.status !== 200) throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function connectSocket(stack: Stack, token: string, url = stack.wsUrl): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** Collects every event of the given names a socket receives. */
export function record(socket: ClientSocket, events: (keyof ServerToClientEvents)[]): { name: string; data: any }[] {
  const got: { name: string; data: any }[] = [];
  for (const name of events) (socket as unknown as Socket).on(name, (data: unknown) => got.push({ name, data }));
  return got;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

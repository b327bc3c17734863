import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/socket';
import type { Api } from './api.js';

/**
 * The live connection to ws-server. Socket.IO reconnects by itself after a drop; every (re)connect
 * calls `onSync`, which subscribes again and reloads what may have been missed, so the screen is
 * rebuilt from a consistent snapshot instead of patched across a gap.
 */
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Where browsers reach Socket.IO: `same-origin` (behind one ingress), `:PORT` (this host, that port), or a URL. */
export function resolveWsUrl(setting: string, location: { protocol: string; hostname: string; origin: string }): string {
  if (setting === '' || setting === 'same-origin') return location.origin;
  if (setting.startsWith(':')) return `${location.protocol}//${location.hostname}${setting}`;
  return setting;
}

export function connectLive(url: string, api: Api, onState: (s: ConnectionState, detail?: string) => void, onSync: (socket: LiveSocket) => void): LiveSocket {
  const socket: LiveSocket = io(url, {
    // asked at every attempt, so a (re)connect presents a token with time left, renewed if need be
    auth: (cb) => void api.freshToken().then((token) => cb({ token: token ?? '' })),
    transports: ['websocket'],
    reconnectionDelay: 300,
    reconnectionDelayMax: 3000,
  });
  onState('connecting');
  // ws-server closes a socket when its access token expires: the page renews the token ahead of
  // that and hands the new one over the open socket
  let renewal: ReturnType<typeof setTimeout> | undefined;
  const scheduleRenewal = () => {
    clearTimeout(renewal);
    renewal = setTimeout(() => void api.freshToken(), Math.max(250, api.renewInMs()));
  };
  api.onTokens((token) => {
    if (socket.connected) socket.emit('auth', { token }, () => undefined);
    scheduleRenewal();
  });
  let ended = false;
  socket.on('session', (e) => {
    // ended: logged out elsewhere or revoked; expired: the page was asleep past its token
    if (e.type === 'ended') {
      ended = true;
      void api.forget();
    }
  });
  socket.on('connect', () => {
    onState('live');
    scheduleRenewal();
    onSync(socket);
  });
  socket.on('disconnect', (reason) => {
    clearTimeout(renewal);
    if (reason === 'io client disconnect' || ended) return onState('offline', reason);
    // the server closed it (its token expired): renewed, then connected again
    if (reason === 'io server disconnect') void api.refresh().then((ok) => (ok ? socket.connect() : onState('offline', 'signed out')));
    onState('reconnecting', reason);
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'unauthorized') {
      // refused at the handshake all the same (a clock that jumped): Socket.IO does not retry that alone
      onState('reconnecting', 'refreshing the session');
      void api.refresh().then((ok) => {
        if (ok) socket.connect();
        else if (api.user === null) onState('offline', 'signed out');
        // the api could not be reached to renew it: try again shortly
        else setTimeout(() => socket.connect(), 1000);
      });
    } else {
      onState('reconnecting', err.message);
    }
  });
  return socket;
}

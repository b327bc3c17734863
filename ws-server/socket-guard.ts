/**
 * What a ws-server lets a browser and a socket do, apart from Socket.IO: pure, so the rules are
 * unit-tested on their own.
 */

/** Whether a page of `origin` may open a socket on the server reached as `host`. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  // no Origin: not a browser (a bot), which cross-site rules do not concern
  if (origin === undefined || origin === '') return true;
  if (allowed.length > 0) return allowed.includes(origin);
  let originHost: string;
  try {
    originHost = new URL(origin).hostname;
  } catch {
    return false;
  }
  // the UI is served by the api, on the same host name and another port
  const serverHost = (host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return originHost.replace(/^\[(.*)\]$/, '$1') === serverHost;
}

/** A socket's messages in the current second: over the limit, refused; far over it (five times), the socket is closed. */
export class MessageBudget {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly perSecond: number) {}

  take(now: number): 'ok' | 'refuse' | 'close' {
    const second = Math.floor(now / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.perSecond) return 'ok';
    return this.count > 5 * this.perSecond ? 'close' : 'refuse';
  }
}

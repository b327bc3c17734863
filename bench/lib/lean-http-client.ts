import net from 'net';

/**
 * The load generator's HTTP/1.1 client: keep-alive connections, one request at a time on each,
 * answers read by Content-Length. It shares the two cores with the exchange it measures, so every
 * microsecond it spends is one the exchange does not get; a general client (undici, node:http)
 * spends several times what writing one request and reading one answer need.
 * Only what the benchmark sends and the services answer: no chunked bodies, no redirects.
 */
export interface LeanResponse {
  status: number;
  body: string;
}

interface Pending {
  head: string;
  body: string;
  resolve: (res: LeanResponse) => void;
  reject: (err: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  private readonly socket: net.Socket;
  private current: Pending | null = null;
  private buf: Buffer = Buffer.alloc(0);
  closed = false;

  constructor(
    host: string,
    port: number,
    private readonly idle: (c: Connection) => void,
    private readonly gone: (c: Connection) => void,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.head + Buffer.byteLength(p.body) + '\r\n\r\n' + p.body);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    // a server may speak unasked only to give up on the connection (a 408 on idle, say)
    if (this.current === null) return this.fail(new Error('answer to no request'));
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const headEnd = this.buf.indexOf(HEADER_END);
    if (headEnd < 0) return;
    const head = this.buf.toString('latin1', 0, headEnd);
    const match = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (match === null) return this.fail(new Error(`answer without content-length: ${head.split('\r\n')[0]}`));
    const bodyStart = headEnd + HEADER_END.length;
    const end = bodyStart + Number(match[1]);
    if (this.buf.length < end) return;
    if (this.buf.length > end) return this.fail(new Error('bytes after the answer to a request that was alone on its connection'));
    const res: LeanResponse = { status: Number(head.slice(9, 12)), body: this.buf.toString('utf8', bodyStart, end) };
    this.buf = Buffer.alloc(0);
    const p = this.current;
    this.current = null;
    p.resolve(res);
    if (/\r\nconnection: *close/i.test(head)) this.fail(new Error('server closed the connection'));
    else this.idle(this);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    p?.reject(err);
    this.gone(this);
  }
}

/** Up to `connections` keep-alive connections to one origin; requests beyond them wait in line. */
export class LeanHttpPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Pending[] = [];
  private readonly host: string;
  private readonly port: number;

  constructor(
    origin: string,
    private readonly connections: number,
  ) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
  }

  /** `headers` are extra header lines, each ending in \r\n. */
  post(path: string, headers: string, body: string): Promise<LeanResponse> {
    return new Promise((resolve, reject) => {
      const p: Pending = { head: `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n${headers}content-length: `, body, resolve, reject };
      const c = this.idle.pop() ?? this.open();
      if (c === null) this.waiting.push(p);
      else c.send(p);
    });
  }

  close(): void {
    for (const c of this.all) c.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): Connection | null {
    if (this.all.size >= this.connections) return null;
    const c = new Connection(
      this.host,
      this.port,
      (conn) => {
        const next = this.waiting.shift();
        if (next !== undefined) conn.send(next);
        else this.idle.push(conn);
      },
      (conn) => {
        this.all.delete(conn);
        const at = this.idle.indexOf(conn);
        if (at >= 0) this.idle.splice(at, 1);
        // a request waiting in line gets a fresh connection rather than waiting for ever
        const next = this.waiting.shift();
        if (next !== undefined) (this.open() ?? { send: (p: Pending) => this.waiting.unshift(p) }).send(next);
      },
    );
    this.all.add(c);
    return c;
  }
}

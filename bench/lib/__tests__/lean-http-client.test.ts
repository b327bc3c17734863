import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import net, { type AddressInfo } from 'net';
import { LeanHttpPool } from '../lean-http-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; origin: string; sockets: () => number }> {
  let sockets = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  server.on('connection', () => sockets++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets: () => sockets };
}

const answer = (res: ServerResponse, status: number, text: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

describe('LeanHttpPool (the load generator’s client) against node:http', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });
  const start = async (handler: Handler) => {
    const s = await serve(handler);
    stop = () => new Promise((resolve) => {
      s.server.closeAllConnections();
      s.server.close(() => resolve());
    });
    return s;
  };

  it('sends method, path, headers and a UTF-8 body, and reads status and body', async () => {
    const { origin } = await start((req, body, res) =>
      answer(res, 201, JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], length: req.headers['content-length'], body })),
    );
    const pool = new LeanHttpPool(origin, 4);
    const body = JSON.stringify({ note: 'größe €' });
    const res = await pool.post('/order/place', 'authorization: Bearer abc\r\ncontent-type: application/json\r\n', body);
    pool.close();
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', url: '/order/place', auth: 'Bearer abc', type: 'application/json', length: String(Buffer.byteLength(body)), body });
  });

  it('keeps connections alive and never opens more than it may, queueing the rest', async () => {
    let inHandler = 0;
    let most = 0;
    const s = await start((_req, body, res) => {
      most = Math.max(most, ++inHandler);
      setTimeout(() => {
        inHandler--;
        answer(res, 200, body);
      }, 5);
    });
    const pool = new LeanHttpPool(s.origin, 3);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.post('/x', '', `n${i}`)));
    pool.close();
    expect(answers.map((a) => a.body)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    expect(s.sockets()).toBe(3);
    expect(most).toBe(3);
  });

  it('reads an answer that arrives in pieces, and an empty body', async () => {
    const { origin } = await start((req, _body, res) => {
      if (req.url === '/empty') return answer(res, 204, '');
      const text = 'x'.repeat(200_000);
      res.writeHead(200, { 'content-length': text.length });
      res.write(text.slice(0, 1000));
      setTimeout(() => res.end(text.slice(1000)), 20);
    });
    const pool = new LeanHttpPool(origin, 1);
    const big = await pool.post('/big', '', '');
    const empty = await pool.post('/empty', '', '');
    pool.close();
    expect(big.body.length).toBe(200_000);
    expect(empty).toEqual({ status: 204, body: '' });
  });

  it('rejects an answer without content-length and goes on with a fresh connection', async () => {
    const s = await start((req, _body, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200);
        res.end('no length');
      } else answer(res, 200, 'fine');
    });
    const pool = new LeanHttpPool(s.origin, 1);
    await expect(pool.post('/chunked', '', '')).rejects.toThrow(/content-length/);
    await expect(pool.post('/ok', '', '')).resolves.toEqual({ status: 200, body: 'fine' });
    pool.close();
    expect(s.sockets()).toBe(2);
  });

  it('reconnects after the server closes a connection', async () => {
    const s = await start((req, _body, res) => {
      if (req.url === '/bye') res.setHeader('connection', 'close');
      answer(res, 200, req.url ?? '');
    });
    const pool = new LeanHttpPool(s.origin, 1);
    expect((await pool.post('/bye', '', '')).body).toBe('/bye');
    expect((await pool.post('/again', '', '')).body).toBe('/again');
    pool.close();
    expect(s.sockets()).toBe(2);
  });

  it('drops a connection on which the server speaks unasked, and goes on with a fresh one', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      const n = ++connections;
      socket.on('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nc${n}`);
        // the first connection then answers a request nobody sent, and stays open
        if (n === 1) setTimeout(() => socket.write('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n'), 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    server.on('connection', (c) => sockets.add(c));
    stop = () => new Promise((resolve) => {
      for (const c of sockets) c.destroy();
      server.close(() => resolve());
    });
    const pool = new LeanHttpPool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 2);
    expect((await pool.post('/a', '', '')).body).toBe('c1');
    await new Promise((r) => setTimeout(r, 100));
    const next = await Promise.all([pool.post('/b', '', ''), pool.post('/c', '', '')]);
    pool.close();
    expect(next.map((r) => r.body).sort()).toEqual(['c2', 'c3']);
  });

  it('fails a request whose connection is refused instead of hanging', async () => {
    const s = await start((_req, _body, res) => answer(res, 200, ''));
    const origin = s.origin;
    await stop!();
    stop = null;
    const pool = new LeanHttpPool(origin, 1);
    await expect(pool.post('/x', '', '')).rejects.toThrow();
    pool.close();
  });
});

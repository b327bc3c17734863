import http from 'http';
import type { AddressInfo } from 'net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { depthBatchJson } from '../../contracts/wire';
import { waitFor } from '../../tests/harness/client';
import type { DepthEvent } from '../../contracts/engine-types';
import { MarketFanout } from '../market-fanout';

/**
 * How the fan-out writes a packet to a socket, against a real Socket.IO server and real clients:
 * straight to the websocket's frame sender when engine.io holds nothing for the socket, through
 * engine.io otherwise (so nothing overtakes what it holds, and polling clients are served).
 */

const change = (k: number): DepthEvent => ({ type: 'depth', seq: 100 + k, symbol: 'AAA', side: 'BUY', price: 10_000 + k, quantity: k, pu: k, u: k + 1, timestamp: 1_000 + k });

describe('market data written to a socket', () => {
  let server: http.Server;
  let io: Server;
  let fanout: MarketFanout;
  let url: string;
  const clients: ClientSocket[] = [];
  /** per client, the events it got in order: `depth:<u>` or `order:<n>` */
  const seen = new Map<ClientSocket, string[]>();
  /** engine.io packets made per server socket */
  const packets = new Map<string, number>();

  async function open(transports: ('websocket' | 'polling')[]): Promise<{ client: ClientSocket; socket: ServerSocket }> {
    const client = connect(url, { transports, forceNew: true, reconnection: false });
    clients.push(client);
    const mine: string[] = [];
    seen.set(client, mine);
    client.on('depth', (d: { u: number }) => mine.push(`depth:${d.u}`));
    client.on('order', (o: { n: number }) => mine.push(`order:${o.n}`));
    await new Promise<void>((r) => (client.connected ? r() : client.once('connect', () => r())));
    const socket = io.of('/').sockets.get(client.id!)!;
    while (!socket.rooms.has('market:AAA')) await new Promise((r) => setImmediate(r));
    // what engine.io wrote at the connection (the connect packet) has been written and called back
    await waitFor('transport writable after connecting', () => (socket.conn as unknown as { transport: { writable: boolean } }).transport.writable);
    return { client, socket };
  }

  beforeAll(async () => {
    server = http.createServer();
    io = new Server(server);
    io.on('connection', (s) => {
      packets.set(s.id, 0);
      s.conn.on('packetCreate', () => packets.set(s.id, packets.get(s.id)! + 1));
      void s.join('market:AAA');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fanout = new MarketFanout(io, 1 << 20, (s) => `market:${s}`, 8, null, 100);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await new Promise<void>((r) => io.close(() => r()));
  });

  it('goes straight to a quiet websocket\'s frame sender: engine.io makes no packet for it, and the client gets every message in order', async () => {
    const { client, socket } = await open(['websocket']);
    const before = packets.get(socket.id)!;
    for (let k = 0; k < 5; k++) fanout.onMessage('AAA', depthBatchJson([change(k)]));
    await waitFor('five depth messages', () => seen.get(client)!.length === 5);
    expect(seen.get(client)).toEqual(['depth:1', 'depth:2', 'depth:3', 'depth:4', 'depth:5']);
    expect(packets.get(socket.id)! - before).toBe(0);
  });

  it('goes through engine.io when it holds a packet for the socket, so market data never overtakes a private update', async () => {
    const { client, socket } = await open(['websocket']);
    seen.get(client)!.length = 0;
    const before = packets.get(socket.id)!;
    // the first is written at once (the transport waits for its callback), the second waits in engine.io's buffer
    socket.emit('order', { n: 1 });
    socket.emit('order', { n: 2 });
    expect((socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer).toHaveLength(1);
    fanout.onMessage('AAA', depthBatchJson([change(10)]));
    await waitFor('two orders and a depth message', () => seen.get(client)!.length === 3);
    expect(seen.get(client)).toEqual(['order:1', 'order:2', 'depth:11']);
    // the depth message was one of engine.io's packets this time
    expect(packets.get(socket.id)! - before).toBe(3);
  });

  it('goes through engine.io to a client on long polling, which has no websocket', async () => {
    const { client, socket } = await open(['polling']);
    seen.get(client)!.length = 0;
    const before = packets.get(socket.id)!;
    fanout.onMessage('AAA', depthBatchJson([change(20)]));
    await waitFor('a depth message over polling', () => seen.get(client)!.length === 1);
    expect(seen.get(client)).toEqual(['depth:21']);
    expect(packets.get(socket.id)! - before).toBe(1);
  });
});

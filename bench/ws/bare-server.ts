/**
 * The bare baseline of bench/ws.bench.ts: a socket.io server that does nothing but join a client
 * to a symbol's room when it subscribes and broadcast each engine market-data message to that
 * room, one emit per message: what Socket.IO itself costs, with no auth, routing or guard.
 * Args: port, Redis URL, key prefix.
 */
import http from 'http';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { startGcMeter } from '../../runtime/gc-meter';

const [port, redisUrl, prefix] = process.argv.slice(2);
const server = http.createServer();
const io = new Server(server);
io.on('connection', (socket) => {
  socket.on('subscribe', (req: { symbol: string }, ack: (r: unknown) => void) => {
    void socket.join(`market:${req.symbol}`);
    ack({ ok: true, snapshot: null });
  });
});
const sub = new Redis(redisUrl);
void sub.psubscribe(`${prefix}market_data*`);
sub.on('pmessage', (_pattern: string, _channel: string, text: string) => {
  const m = JSON.parse(text) as { type: string; symbol: string };
  if (m.type === 'depth') io.to(`market:${m.symbol}`).emit('depth', m);
});
// its garbage collection per window, asked for like the ws-server's metrics (each read starts a new window)
const gc = startGcMeter();
process.on('message', (m: { kind: string }) => {
  if (m.kind === 'gc') process.send?.({ kind: 'gc', gc: gc.read() });
});
server.listen(Number(port), () => process.send?.({ kind: 'listening' }));
process.on('SIGTERM', () => process.exit(0));

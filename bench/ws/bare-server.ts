/**
 * The bare baseline of bench/ws.bench.ts: a socket.io server that does nothing but join a client
 * to a symbol's room when it subscribes and broadcast each engine market-data message to that
 * room, one emit per message: what Socket.IO itself costs, with no auth, routing or guard.
 * Args: port, Redis URL, key prefix.
 */
import http from 'http';
import Redis from 'ioredis';
import { Server } from 'socket.io';

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
server.listen(Number(port), () => process.send?.({ kind: 'listening' }));
process.on('SIGTERM', () => process.exit(0));

import { z } from 'zod';
import { ErrorCode } from './errors';
import { CLIENT_EVENTS, SERVER_EVENTS } from './socket';

/**
 * The AsyncAPI 3 document of the Socket.IO interface, generated from the event table beside its
 * types (contracts/socket.ts) and the schemas of what each event carries (contracts/wire-schemas.ts).
 * Socket.IO has no addressed channels: one channel, the socket, carries every event; what the
 * server sends is a `receive` operation for the client, what the client emits a `send` with its
 * acknowledgement as the reply. ws-server serves it at /asyncapi.json.
 */
const schema = (s: z.ZodTypeAny) => {
  const { $schema, ...rest } = z.toJSONSchema(s, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  void $schema;
  return rest;
};

export function asyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const ref = (name: string) => ({ $ref: `#/channels/socket/messages/${name}` });
  for (const [name, e] of Object.entries(SERVER_EVENTS)) {
    messages[name] = { name, title: name, summary: e.summary, contentType: 'application/json', payload: schema(e.payload) };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
    operations[`receive${name[0].toUpperCase()}${name.slice(1)}`] = { action: 'receive', channel: { $ref: '#/channels/socket' }, summary: e.summary, messages: [ref(name)] };
  }
  for (const [name, e] of Object.entries(CLIENT_EVENTS)) {
    const ack = `${name}Ack`;
    messages[name] = { name, title: name, summary: e.summary, contentType: 'application/json', payload: schema(e.payload) };
    messages[ack] = { name: ack, title: `${name} acknowledgement`, summary: `The acknowledgement of ${name}`, contentType: 'application/json', payload: schema(e.reply) };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
    channelMessages[ack] = { $ref: `#/components/messages/${ack}` };
    operations[name] = { action: 'send', channel: { $ref: '#/channels/socket' }, summary: e.summary, messages: [ref(name)], reply: { channel: { $ref: '#/channels/socket' }, messages: [ref(ack)] } };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Mock stock exchange: Socket.IO',
      version: '0.1.0',
      description:
        'Connect with socket.io-client: io(url, { auth: { token: accessToken } }). Every client gets its own events without subscribing (order, fill, balance, portfolio, error, exchange, session, news); market data, the tape and the leaderboard by subscription. Money in currency units, quantities whole shares. Error codes: ' +
        Object.entries(ErrorCode).map(([k, v]) => `${v} ${k}`).join(', '),
    },
    servers: { exchange: { host: 'localhost:3001', protocol: 'ws', pathname: '/socket.io/', description: 'ws-server (Socket.IO over websocket); the access token in the handshake auth' } },
    defaultContentType: 'application/json',
    channels: { socket: { address: '/', title: 'The Socket.IO connection', messages: channelMessages } },
    operations,
    components: { messages },
  };
}

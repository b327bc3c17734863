import { spawn, execFileSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Redis from 'ioredis';
import { RespBatch } from '../../runtime/resp/batch';
import { RespConnection } from '../../runtime/resp/connection';
import { errorOf } from '../../runtime/resp/replies';
import { StreamReader } from '../../runtime/resp/stream-reader';
import { RespWriter } from '../../runtime/resp/writer';
import { freePort, REDIS_URL } from '../harness/stack';

/** a status or bulk string reply's text (null for nil); an error reply throws */
function textOf(reply: Buffer): string | null {
  const error = errorOf(reply);
  if (error !== null) throw new Error(error);
  const end = reply.indexOf('\r\n');
  if (reply[0] === 0x2b /* + */) return reply.toString('utf8', 1, end);
  const n = Number(reply.toString('latin1', 1, end));
  return n < 0 ? null : reply.toString('utf8', end + 2, end + 2 + n);
}

/** The engine's one RESP connection policy against real Redis servers: credentials, database, TLS, reconnecting. */
describe('RespConnection on real Redis', () => {
  const key = `test-resp-${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((err: unknown) => {
      throw new Error(`Redis is required at ${REDIS_URL}: ${String(err)}`);
    });
  });

  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('when the URL names a database, then every command runs in it', async () => {
    const url = new URL(REDIS_URL);
    url.pathname = '/3';
    const writer = new RespWriter(url.toString());
    try {
      expect(await writer.send(new RespBatch().cmd('SET', key, 'in three'))).toEqual([]);
      const three = new Redis(url.toString());
      try {
        expect(await three.get(key)).toBe('in three');
        await three.del(key);
      } finally {
        three.disconnect();
      }
      expect(await redis.get(key)).toBeNull();
    } finally {
      writer.close();
    }
  });

  it('when the connection is cut, then the request in flight fails and the next one connects again', async () => {
    const name = `test-reader-${randomBytes(3).toString('hex')}`;
    const reader = new StreamReader(REDIS_URL, name);
    try {
      expect(await reader.range(key, '-', '+', 10)).toEqual([]);
      const blocked = reader.read(key, '$', 10, 10_000);
      // Redis names the connection as the reader named it: cut that one
      let id: string | undefined;
      while (id === undefined) id = /id=(\d+) [^\n]*name=(\S+)/g.exec(((await redis.client('LIST')) as string).split('\n').find((l) => l.includes(`name=${name}`)) ?? '')?.[1];
      await redis.client('KILL', 'ID', id);
      await expect(blocked).rejects.toThrow(/closed|reset|ECONNRESET/);
      const id1 = await redis.xadd(key, '*', 'c', '{"n":1}');
      expect(await reader.range(key, '-', '+', 10)).toEqual([{ id: id1, fields: ['c', '{"n":1}'] }]);
    } finally {
      reader.close();
      await redis.del(key);
    }
  });

  it('when Redis refuses the credentials, then connecting fails with its answer and nothing is left connected', async () => {
    const url = new URL(REDIS_URL);
    url.username = 'nobody';
    url.password = 'wrong';
    const c = new RespConnection(url.toString(), { name: 'test-refused' });
    await expect(c.connect()).rejects.toThrow(/WRONGPASS|invalid username-password/);
    expect(((await redis.client('LIST')) as string).includes('name=test-refused')).toBe(false);
    c.close();
  });

  it('when the URL is not a Redis one, then it says so at once', () => {
    expect(() => new RespConnection('http://127.0.0.1:6379')).toThrow('redis:// or rediss://');
  });

  describe('over TLS (rediss://), with a password', () => {
    let dir: string;
    let server: ChildProcess;
    let port: number;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
      port = await freePort();
      server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', join(dir, 'cert.pem'), '--tls-auth-clients', 'no', '--requirepass', 'tls-secret', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
      let log = '';
      server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!log.includes('Ready to accept connections')) {
        if (server.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server with TLS did not start: ${log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    afterAll(() => {
      server?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    });

    it('when the certificate is trusted, then commands go through the encrypted connection', async () => {
      const c = new RespConnection(`rediss://:tls-secret@localhost:${port}`, { tls: { ca: readFileSync(join(dir, 'cert.pem')) } });
      try {
        expect(await c.send(new RespBatch().cmd('SET', 'k', 'über TLS').cmd('GET', 'k'), textOf)).toEqual(['OK', 'über TLS']);
      } finally {
        c.close();
      }
    });

    it('when the certificate is not trusted, then it does not connect', async () => {
      const c = new RespConnection(`rediss://:tls-secret@localhost:${port}`);
      await expect(c.connect()).rejects.toThrow(/self[- ]signed|certificate/i);
      c.close();
    });

    it('when the password is wrong, then Redis refuses over TLS too', async () => {
      const c = new RespConnection(`rediss://:nope@localhost:${port}`, { tls: { ca: readFileSync(join(dir, 'cert.pem')) } });
      await expect(c.connect()).rejects.toThrow(/WRONGPASS|invalid/);
      c.close();
    });
  });
});

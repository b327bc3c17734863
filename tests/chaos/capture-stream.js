/**
 * Keeps a copy of every entry of a Redis stream, as it is appended, one JSON line per entry in
 * `file`: the engine trims its input stream once a snapshot holds it, and the chaos test needs the
 * whole stream to feed a fresh engine. A process of its own writing a file of its own, so that
 * the test's load cannot hold it back. On SIGTERM it reads what is left and exits.
 * Usage: node capture-stream.js <redis-url> <stream> <file> (plain JavaScript: started by the test as is)
 */
const fs = require('fs');
const Redis = require('ioredis');

const [url, stream, file] = process.argv.slice(2);
const out = fs.openSync(file, 'w');
const redis = new Redis(url);
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

(async () => {
  let last = '0-0';
  for (let got = 1; !stopping || got > 0; ) {
    got = 0;
    const res = await redis.xread('COUNT', 5000, 'BLOCK', 100, 'STREAMS', stream, last);
    const lines = [];
    for (const [, entries] of res ?? []) {
      for (const [id, fields] of entries) {
        lines.push(JSON.stringify({ id, fields }));
        last = id;
        got++;
      }
    }
    if (lines.length > 0) fs.writeSync(out, lines.join('\n') + '\n');
  }
  fs.closeSync(out);
  redis.disconnect();
})().catch((err) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});

/** `node dist/scripts/healthcheck.js <url>`: exit 0 if the URL answers 2xx (container health checks; the image has no curl). */
const url = process.argv[2] ?? 'http://127.0.0.1:3000/ready';
fetch(url, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);

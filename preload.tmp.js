const Redis = require('ioredis');
const { generateEngineStream } = require('/work/main/dist/bench/lib/engine-stream');
(async () => {
  const redis = new Redis();
  const prefix = 'prof:';
  const keys = await redis.keys(prefix + '*'); if (keys.length) await redis.del(...keys);
  const s = generateEngineStream({ commands: 100000, users: 1000, symbols: 4, restingTarget: 1000, seed: 11 });
  const all = [...s.setup, ...s.commands];
  for (let i = 0; i < all.length; i += 5000) {
    const p = redis.pipeline();
    for (const c of all.slice(i, i + 5000)) { const { ts, ...e } = c; p.xadd(prefix + 'order_input_queue', '*', 'c', JSON.stringify(e)); }
    await p.exec();
  }
  console.log('loaded', all.length); redis.disconnect();
})();

import type Redis from 'ioredis';
import type { Logger } from '../../runtime/logger';

/** Takes the lease if nobody holds it, with the next fencing token (a number only ever growing). */
const ACQUIRE = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token`;
/** Extends the lease only if it is still this token's. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end return 0`;

/**
 * The engine's lease: one engine at a time reads and writes. Whoever holds it renews it every
 * third of its time; the others wait, not ready. Every write the holder makes is conditional on
 * the lease still holding its token (see FENCED_SCRIPT), so an engine that was paused or cut off
 * past its lease writes nothing once another has taken over, even before it notices.
 */
export class EngineLease {
  token: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastRenewedAt = 0;
  private released = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly fenceKey: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Waits until the lease is this engine's (or `stopping` says to give up: then null). */
  async acquire(stopping: () => boolean): Promise<string | null> {
    let waiting = false;
    while (!stopping()) {
      const got = Number(await this.redis.eval(ACQUIRE, 2, this.key, this.fenceKey, this.ttlMs));
      if (got > 0) {
        this.token = String(got);
        this.lastRenewedAt = performance.now();
        this.log.info({ token: this.token, ttlMs: this.ttlMs }, 'engine lease taken');
        return this.token;
      }
      if (!waiting) this.log.warn({ holder: await this.redis.get(this.key) }, 'another engine holds the lease: waiting, not ready');
      waiting = true;
      await new Promise((r) => setTimeout(r, Math.max(50, Math.floor(this.ttlMs / 5))));
    }
    return null;
  }

  /** Renews every third of the lease time; `lost` is called once if it cannot be kept. */
  keep(lost: (why: string) => void): void {
    const renew = async () => {
      if (this.token === null || this.released) return;
      try {
        const ok = Number(await this.redis.eval(RENEW, 1, this.key, this.token, this.ttlMs));
        if (ok === 1) {
          this.lastRenewedAt = performance.now();
          return;
        }
        this.stop();
        lost('the lease is held by another engine');
      } catch (err) {
        // Redis unreachable: the lease may run out meanwhile, and then another engine may start
        if (performance.now() - this.lastRenewedAt >= this.ttlMs) {
          this.stop();
          lost(`the lease could not be renewed for its whole time (${String(err)})`);
        }
      }
    };
    this.timer = setInterval(() => void renew(), Math.max(20, Math.floor(this.ttlMs / 3)));
  }

  /** Stops renewing and frees the lease for a waiting engine at once. */
  async release(): Promise<void> {
    this.stop();
    this.released = true;
    if (this.token !== null) await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

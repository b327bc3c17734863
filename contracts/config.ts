import { z } from 'zod';

/**
 * One validated config per process: each service parses the environment once at start with its
 * schema and refuses to start, naming every bad variable, if anything is wrong.
 */
const int = (def: number) => z.coerce.number().int().positive().default(def);
/** a size as express.json reads one: '16kb', '1mb', '512' (the number, then the unit) */
export const BYTE_SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i;

const common = {
  /** `production` makes every service refuse placeholder and default secrets (productionSecrets) */
  NODE_ENV: z.string().optional(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]*$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
const database = { DATABASE_URL: z.string().min(1).default('postgresql://postgres@127.0.0.1:5432/exchange') };
const DEV_JWT_SECRET = 'dev-only-secret-change-me-please';
const DEV_ADMIN_PASSWORD = 'organiser-password';
const DEV_BOT_PASSWORD = 'bot-password-change-me';
const jwt = {
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').default(DEV_JWT_SECRET),
  JWT_ISSUER: z.string().default('mock-exchange'),
};

/** how the examples (.env.example, k8s/secrets.env.example) mark a value to be replaced */
const PLACEHOLDER = /change[-_ ]?me/i;
/** a signing key anyone could guess in a day of tries is no key: production asks for 32 characters */
export const PRODUCTION_JWT_SECRET_MIN = 32;

/**
 * In production (NODE_ENV=production) every service refuses to start with a secret nobody chose:
 * the development defaults, the examples' CHANGE_ME placeholders (also as the password inside
 * REDIS_URL or DATABASE_URL), or a short JWT secret. Each refusal names its variable.
 */
function productionSecrets(c: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (c.NODE_ENV !== 'production') return;
  const refuse = (name: string, why: string) => ctx.addIssue({ code: 'custom', path: [name], message: `${name} ${why} (NODE_ENV=production)` });
  const secret = (name: string, devDefault: string) => {
    const v = c[name];
    if (typeof v !== 'string') return;
    if (v === devDefault) refuse(name, 'is the development default: set a secret of your own');
    else if (PLACEHOLDER.test(v)) refuse(name, 'is still a CHANGE_ME placeholder: set a secret of your own');
  };
  secret('JWT_SECRET', DEV_JWT_SECRET);
  if (typeof c.JWT_SECRET === 'string' && c.JWT_SECRET !== DEV_JWT_SECRET && !PLACEHOLDER.test(c.JWT_SECRET) && c.JWT_SECRET.length < PRODUCTION_JWT_SECRET_MIN) {
    refuse('JWT_SECRET', `must be at least ${PRODUCTION_JWT_SECRET_MIN} characters`);
  }
  secret('ADMIN_PASSWORD', DEV_ADMIN_PASSWORD);
  secret('BOT_PASSWORD', DEV_BOT_PASSWORD);
  for (const name of ['REDIS_URL', 'DATABASE_URL']) {
    const v = c[name];
    if (typeof v !== 'string') continue;
    let password = '';
    try {
      password = decodeURIComponent(new URL(v).password);
    } catch {
      continue; // the url check names a malformed one
    }
    if (PLACEHOLDER.test(password)) refuse(name, 'holds a CHANGE_ME placeholder password: set a secret of your own');
  }
}

export const apiConfigSchema = z.object({
  ...common,
  ...database,
  ...jwt,
  API_PORT: int(3000),
  ACCESS_TOKEN_TTL_SECONDS: int(900),
  REFRESH_TOKEN_TTL_SECONDS: int(7 * 24 * 3600),
  /** how long POST /order/place waits for the engine's verdict before answering 202 */
  PLACE_TIMEOUT_MS: int(2000),
  RATE_LIMIT_PER_SECOND: int(50),
  /**
   * sign-ups, log-ins and refreshes per client address per minute: a class behind one school
   * address signs up together, so this is high; guessing is held back by the two below
   */
  AUTH_RATE_LIMIT_PER_MINUTE: int(1200),
  /** failed log-ins per username per quarter hour (from any address); then that username waits */
  LOGIN_FAILURES_PER_USERNAME: int(10),
  /** failed log-ins per client address per quarter hour, over every username */
  LOGIN_FAILURES_PER_ADDRESS: int(100),
  /** public reads (market data, the leaderboard) per client address per minute */
  PUBLIC_READ_LIMIT_PER_MINUTE: int(1200),
  /** posts and comments per participant per minute in the feed (organisers' announcements are not limited) */
  FEED_POSTS_PER_MINUTE: int(6),
  ADMIN_USERNAME: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  BODY_LIMIT: z.string().regex(BYTE_SIZE, 'a size such as 16kb or 1mb').default('16kb'),
  /**
   * where the browser UI finds Socket.IO: `same-origin` (one ingress in front of both), `:PORT`
   * (the page's host on that port), or an absolute URL
   */
  PUBLIC_WS_URL: z.string().regex(/^(same-origin|:\d{1,5}|https?:\/\/\S+)$/, 'PUBLIC_WS_URL: same-origin, :PORT or an http(s) URL').default(':3001'),
  /**
   * the proxies whose X-Forwarded-For the api believes (addresses, CIDRs, or Express's names such as
   * loopback), comma-separated; none by default: exposed directly, a client could name any address
   * and dodge the per-address limits
   */
  TRUSTED_PROXIES: z
    .string()
    .regex(/^[0-9A-Za-z.:/,\s]*$/, 'TRUSTED_PROXIES: addresses or CIDRs, comma-separated')
    .default('')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean)),
  /** the api's Prometheus metrics, on a port of their own (not the public one) */
  API_METRICS_PORT: int(3005),
  /**
   * an event definition to load on a fresh exchange (none loaded, no symbol listed): `npm start`
   * gives events/demo.yaml; empty starts with nothing, for an event loaded later through the api
   */
  EVENT_FILE: z.string().default(''),
}).superRefine(productionSecrets);

export const engineConfigSchema = z.object({
  ...common,
  ENGINE_HEALTH_PORT: int(3002),
  ENGINE_BATCH_SIZE: int(2000),
  ENGINE_BLOCK_MS: int(50),
  SNAPSHOT_INTERVAL_MS: int(10_000),
  SNAPSHOT_EVERY_COMMANDS: int(200_000),
  BOOK_DEPTH: int(20),
  /** how long the engine lease lasts unrenewed: a standby engine takes over within this after the holder dies */
  ENGINE_LEASE_MS: int(5000),
}).superRefine(productionSecrets);

export const wsConfigSchema = z
  .object({
    ...common,
    ...jwt,
    WS_PORT: int(3001),
    /** Prometheus metrics, kept off the public port */
    WS_METRICS_PORT: int(3006),
    /**
     * browser origins allowed to open a socket, comma-separated; by default pages served from the
     * ws-server's own host name (any port: the api serves the UI on another). Clients that send no
     * Origin (bots) are not browsers and are let through.
     */
    WS_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean)),
    /** messages a socket may send per second; more are refused, and a socket that keeps on is closed */
    WS_MESSAGES_PER_SECOND: int(20),
    /** rooms a socket may have subscribed at once */
    WS_MAX_SUBSCRIPTIONS: int(50),
    /**
     * bytes a socket's send buffer may hold before its market data is conflated (skipped, then the
     * latest book once it drains); private messages are never held back by this
     */
    WS_SEND_BUFFER_LIMIT_BYTES: int(256 * 1024),
    /**
     * milliseconds of writing market data to a room per turn of the event loop before handshakes,
     * private messages and the next Redis messages get their turn (ws-server/market-fanout.ts)
     */
    WS_WRITE_SLICE_MS: int(8),
    /**
     * milliseconds a room's market-data message may wait while a newer one of its symbol is queued
     * before it is cut short (its unreached sockets get its changes with the newer one)
     */
    WS_MAX_QUEUED_MS: int(100),
  })
  .superRefine(productionSecrets);

export const dbWriterConfigSchema = z.object({
  ...common,
  ...database,
  DB_WRITER_HEALTH_PORT: int(3003),
  /** how long the next job in seq order may be missing before db-writer raises the gap (not ready, error log) */
  DB_WRITER_GAP_ALARM_MS: int(30_000),
}).superRefine(productionSecrets);

export const dataServerConfigSchema = z.object({
  ...common,
  DATA_SERVER_HEALTH_PORT: int(3004),
  /** the api the bots trade through, like every participant */
  API_URL: z.string().url().default('http://127.0.0.1:3000'),
  REFERENCE_INTERVAL_MS: int(1000),
  /** how often every participant's equity is marked and ranked */
  LEADERBOARD_INTERVAL_MS: int(5000),
  /** expected relative change of the reference price per step */
  REFERENCE_DRIFT: z.coerce.number().min(-0.1).max(0.1).default(0),
  /** standard deviation of the relative change per step */
  REFERENCE_VOLATILITY: z.coerce.number().min(0).max(0.5).default(0.002),
  /** where a symbol's reference starts when it has no trade yet, in currency units */
  REFERENCE_START_PRICE: z.coerce.number().positive().default(100),
  RANDOM_SEED: z.coerce.number().int().optional(),
  BOTS_ENABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  BOT_INTENSITY: z.coerce.number().min(0).max(20).default(1),
  BOT_MARKET_MAKERS: z.coerce.number().int().min(0).max(20).default(2),
  BOT_NOISE_TRADERS: z.coerce.number().int().min(0).max(50).default(3),
  BOT_PASSWORD: z.string().min(8).default(DEV_BOT_PASSWORD),
  /** cash (currency units) and shares per symbol each bot is credited once */
  BOT_CASH: z.coerce.number().positive().default(1_000_000),
  BOT_SHARES: z.coerce.number().int().positive().default(10_000),
  ADMIN_USERNAME: z.string().default('organiser'),
  ADMIN_PASSWORD: z.string().default(DEV_ADMIN_PASSWORD),
}).superRefine(productionSecrets);

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type EngineConfig = z.infer<typeof engineConfigSchema>;
export type WsConfig = z.infer<typeof wsConfigSchema>;
export type DbWriterConfig = z.infer<typeof dbWriterConfigSchema>;
export type DataServerConfig = z.infer<typeof dataServerConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

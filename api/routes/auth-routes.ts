import { randomUUID } from 'crypto';
import { Router } from 'express';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { countRequest, rateLimit, rateWindow } from '../rate-limit';
import { grantStartingPackage } from '../event-service';

/** failed log-ins are counted over a quarter of an hour */
const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
import { hashPassword, verifyPassword } from '../passwords';
import { credentialsBody, refreshBody } from '../schemas';
import { normaliseUsername, usernameSkeleton } from '../usernames';
import { weakPassword } from '../weak-passwords';

/** what an unknown user's password is checked against, so that login costs the same either way */
let decoy: Promise<string> | null = null;

export function authRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use(rateLimit(ctx, 'auth', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, 60_000));
  // tokens must not be kept by any cache on the way
  r.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('pragma', 'no-cache');
    next();
  });
  decoy ??= hashPassword(randomUUID());

  r.post('/register', async (req, res) => {
    const { username, password } = credentialsBody.parse(credentials(req.body));
    const weak = weakPassword(password, username);
    if (weak !== null) throw new ApiError(400, ErrorCode.VALIDATION_ERROR, weak);
    const skeleton = usernameSkeleton(username);
    const clash = await ctx.prisma.user.findFirst({ where: { OR: [{ usernameSkeleton: skeleton }, { username }] } });
    if (clash !== null) throw new ApiError(409, ErrorCode.USER_EXISTS, `Username ${username} is taken or too like one that is`);
    let user;
    try {
      user = await ctx.prisma.user.create({ data: { id: randomUUID(), username, usernameSkeleton: skeleton, passwordHash: await hashPassword(password) } });
    } catch (err) {
      // two look-alikes registering at the same moment: the unique skeleton lets one through
      if ((err as { code?: string }).code === 'P2002') throw new ApiError(409, ErrorCode.USER_EXISTS, `Username ${username} is taken or too like one that is`);
      throw err;
    }
    const tokens = await ctx.tokens.issue(user);
    // the event's starting money, before the answer: a participant who signs up can trade at once
    await grantStartingPackage(ctx, user.id);
    ok(res, { user: { id: user.id, username: user.username, role: user.role }, ...tokens }, 201);
  });

  r.post('/login', async (req, res) => {
    const { username, password } = credentialsBody.parse(credentials(req.body));
    // guessing is limited per account (whatever addresses the guesses come from) and per address
    const failures = [
      rateWindow(ctx, 'login-failures', `user:${usernameSkeleton(username)}`, ctx.config.LOGIN_FAILURES_PER_USERNAME, LOGIN_FAILURE_WINDOW_MS),
      rateWindow(ctx, 'login-failures', `ip:${req.ip}`, ctx.config.LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURE_WINDOW_MS),
    ];
    const counts = (await ctx.redis.mget(...failures.map((w) => w.key))).map((c) => Number(c ?? 0));
    failures.forEach((w, i) => {
      if (counts[i] >= w.limit) {
        res.setHeader('Retry-After', String(w.resetSeconds));
        throw new ApiError(429, ErrorCode.RATE_LIMITED, `Too many failed log-ins ${i === 0 ? 'for this username' : 'from this address'}; try again in ${w.resetSeconds} s`);
      }
    });
    const user = (await ctx.prisma.user.findUnique({ where: { username } })) ?? (await ctx.prisma.user.findUnique({ where: { usernameSkeleton: usernameSkeleton(username) } }));
    // an unknown name costs a key derivation too: the time taken does not tell who has an account
    const good = await verifyPassword(password, user?.passwordHash ?? (await decoy!));
    if (user === null || !good) {
      await Promise.all(failures.map((w) => countRequest(ctx, w)));
      throw new ApiError(401, ErrorCode.INVALID_CREDENTIALS, 'Wrong username or password');
    }
    const tokens = await ctx.tokens.issue(user);
    // idempotent: a participant registered before the event was loaded, or whose grant was lost, gets it now
    if (user.role === 'PARTICIPANT') await grantStartingPackage(ctx, user.id);
    ok(res, { user: { id: user.id, username: user.username, role: user.role }, ...tokens });
  });

  r.post('/refresh', async (req, res) => {
    const { refreshToken } = refreshBody.parse(req.body);
    ok(res, await ctx.tokens.rotate(refreshToken));
  });

  r.post('/logout', async (req, res) => {
    const { refreshToken } = refreshBody.parse(req.body);
    // only a token this api signed ends a session
    await ctx.tokens.revoke(refreshToken);
    ok(res, { loggedOut: true });
  });
  return r;
}

/** the body with its username normalised (NFKC) before it is checked */
function credentials(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || typeof (body as { username?: unknown }).username !== 'string') return body;
  return { ...body, username: normaliseUsername((body as { username: string }).username) };
}

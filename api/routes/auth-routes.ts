import { randomUUID } from 'crypto';
import { Router } from 'express';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { rateLimit } from '../middleware';
import { hashPassword, verifyPassword } from '../passwords';
import { credentialsBody, refreshBody } from '../schemas';

export function authRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use(rateLimit(ctx, 'auth', ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, 60_000));

  r.post('/register', async (req, res) => {
    const { username, password } = credentialsBody.parse(req.body);
    const existing = await ctx.prisma.user.findUnique({ where: { username } });
    if (existing !== null) throw new ApiError(409, ErrorCode.USER_EXISTS, `Username ${username} is taken`);
    const user = await ctx.prisma.user.create({ data: { id: randomUUID(), username, passwordHash: await hashPassword(password) } });
    const tokens = await ctx.tokens.issue(user);
    ok(res, { user: { id: user.id, username: user.username, role: user.role }, ...tokens }, 201);
  });

  r.post('/login', async (req, res) => {
    const { username, password } = credentialsBody.parse(req.body);
    const user = await ctx.prisma.user.findUnique({ where: { username } });
    if (user === null || !(await verifyPassword(password, user.passwordHash))) {
      throw new ApiError(401, ErrorCode.INVALID_CREDENTIALS, 'Wrong username or password');
    }
    const tokens = await ctx.tokens.issue(user);
    ok(res, { user: { id: user.id, username: user.username, role: user.role }, ...tokens });
  });

  r.post('/refresh', async (req, res) => {
    const { refreshToken } = refreshBody.parse(req.body);
    ok(res, await ctx.tokens.rotate(refreshToken));
  });

  r.post('/logout', async (req, res) => {
    const { refreshToken } = refreshBody.parse(req.body);
    await ctx.tokens.revoke(refreshToken);
    ok(res, { loggedOut: true });
  });
  return r;
}

import { Router } from 'express';
import { readBalance } from '../../contracts/hot-state';
import type { ApiContext } from '../context';
import { ok } from '../http-errors';
import { userOf } from '../authentication';
import { loadPortfolio } from '../../portfolio/load';

export function accountRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/me', (req, res) => ok(res, { id: userOf(req), username: req.auth?.username, role: req.auth?.role }));
  r.get('/balance', async (req, res) => {
    const userId = userOf(req);
    const raw = await ctx.redis.get(ctx.n.keys.balance(userId));
    ok(res, readBalance(raw) ?? { type: 'balance', seq: 0, userId, cash: { available: 0, locked: 0 }, positions: {} });
  });
  r.get('/portfolio', async (req, res) => ok(res, await loadPortfolio(ctx.prisma, ctx.redis, ctx.n, userOf(req))));
  return r;
}

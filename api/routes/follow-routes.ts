import { nameOf, notify } from '../feed/notify';
import { Router } from 'express';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { idText } from '../schemas';
import { userOf } from '../authentication';

/** Following participants: their row in the leaderboard's "following" tab (and, later, their posts in the following feed). */
export function followRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const me = userOf(req);
    const [rows, followers] = await Promise.all([
      ctx.prisma.follow.findMany({ where: { followerId: me }, orderBy: { createdAt: 'desc' }, select: { createdAt: true, followee: { select: { id: true, username: true, displayName: true } } } }),
      ctx.prisma.follow.count({ where: { followeeId: me } }),
    ]);
    ok(res, { following: rows.map((f) => ({ userId: f.followee.id, username: f.followee.username, displayName: f.followee.displayName, since: f.createdAt.toISOString() })), followers });
  });
  // following twice is following: the answer is the same, nothing is added
  r.post('/:userId', async (req, res) => {
    const me = userOf(req);
    const userId = idText.parse(req.params.userId);
    if (userId === me) throw new ApiError(400, ErrorCode.VALIDATION_ERROR, 'You cannot follow yourself');
    const other = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (other === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No participant with id ${userId}`);
    const { count } = await ctx.prisma.follow.createMany({ data: [{ followerId: me, followeeId: userId }], skipDuplicates: true });
    // told once per follower, however often they follow again
    if (count === 1) await notify(ctx, [{ userId, kind: 'FOLLOWER', source: `follower:${me}`, text: `${await nameOf(ctx, me)} started following you`, data: { userId: me } }]);
    ok(res, { userId, following: true });
  });
  // unfollowing someone not followed is not an error: the state asked for holds
  r.delete('/:userId', async (req, res) => {
    const userId = idText.parse(req.params.userId);
    await ctx.prisma.follow.deleteMany({ where: { followerId: userOf(req), followeeId: userId } });
    ok(res, { userId, following: false });
  });
  return r;
}

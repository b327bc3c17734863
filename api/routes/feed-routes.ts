import { nameOf, notify } from '../feed/notify';
import { Router } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { userOf } from '../authentication';
import { rateLimit } from '../rate-limit';
import { limitParam, plainText } from '../schemas';
import { authorSelect, commentToWire, postInclude, postToWire, publishPost, visible } from '../feed/posts';

export const postBody = z.object({ text: plainText(1, 1000, 'a post'), tradeId: z.number().int().positive().optional().describe('one of your own fills (GET /history/trades), attached as the trade has it') }).strict();
export const commentBody = z.object({ text: plainText(1, 500, 'a comment') }).strict();
export const feedQuery = z.object({ limit: limitParam(100, 20), cursor: z.coerce.number().int().positive().optional() }).strict();
const postIdParam = z.coerce.number().int().positive();

/**
 * The event's feed: participants post short texts (with one of their own fills, if they like),
 * comment and like; the global feed and the following feed (yours and those you follow's posts),
 * newest first by cursor, with the organisers' pinned announcements above on the first page.
 */
export function feedRoutes(ctx: ApiContext): Router {
  const r = Router();
  const writeLimit = rateLimit(ctx, 'feed', ctx.config.FEED_POSTS_PER_MINUTE, 60_000);

  const page = async (me: string, authors: string[] | null, query: unknown) => {
    const { limit, cursor } = feedQuery.parse(query);
    const include = postInclude(me);
    const [rows, pinned] = await Promise.all([
      ctx.prisma.post.findMany({
        where: { ...visible, pinned: false, ...(authors === null ? {} : { authorId: { in: authors } }), ...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }) },
        orderBy: { id: 'desc' },
        take: limit + 1,
        include,
      }),
      cursor === undefined ? ctx.prisma.post.findMany({ where: { ...visible, pinned: true }, orderBy: { id: 'desc' }, take: 20, include }) : Promise.resolve([]),
    ]);
    const items = rows.slice(0, limit).map(postToWire);
    return { pinned: pinned.map(postToWire), items, nextCursor: rows.length > limit ? items[items.length - 1].postId : null };
  };

  r.get('/', async (req, res) => ok(res, await page(userOf(req), null, req.query)));
  r.get('/following', async (req, res) => {
    const me = userOf(req);
    const followed = await ctx.prisma.follow.findMany({ where: { followerId: me }, select: { followeeId: true } });
    ok(res, await page(me, [me, ...followed.map((f) => f.followeeId)], req.query));
  });

  r.post('/posts', writeLimit, async (req, res) => {
    const me = userOf(req);
    const body = postBody.parse(req.body);
    await refuseMuted(ctx, me);
    let fill = {};
    if (body.tradeId !== undefined) {
      const trade = await ctx.prisma.trade.findUnique({ where: { id: BigInt(body.tradeId) } });
      // someone else's fill and one that does not exist get the same answer: neither is yours to show
      if (trade === null || (trade.buyUserId !== me && trade.sellUserId !== me)) {
        throw new ApiError(404, ErrorCode.NOT_FOUND, `You have no fill with trade id ${body.tradeId} (a fill made a moment ago may not be stored yet)`);
      }
      fill = { tradeId: trade.id, fillSymbol: trade.symbol, fillSide: trade.buyUserId === me ? 'BUY' : 'SELL', fillPrice: trade.price, fillQuantity: trade.quantity, fillExecutedAt: trade.executedAt };
    }
    const post = postToWire(await ctx.prisma.post.create({ data: { authorId: me, kind: 'POST', text: body.text, ...fill }, include: postInclude(me) }));
    await publishPost(ctx, post);
    ok(res, post, 201);
  });

  r.get('/posts/:postId', async (req, res) => ok(res, postToWire(await visiblePost(ctx, postIdParam.parse(req.params.postId), userOf(req)))));

  r.get('/posts/:postId/comments', async (req, res) => {
    const postId = postIdParam.parse(req.params.postId);
    const { limit, cursor } = feedQuery.parse(req.query);
    await visibleAuthor(ctx, postId);
    // oldest first, as a conversation reads; the cursor is the last comment's id
    const rows = await ctx.prisma.postComment.findMany({
      where: { postId: BigInt(postId), ...visible, ...(cursor === undefined ? {} : { id: { gt: BigInt(cursor) } }) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      include: { author: authorSelect },
    });
    const items = rows.slice(0, limit).map(commentToWire);
    ok(res, { items, nextCursor: rows.length > limit ? items[items.length - 1].commentId : null });
  });

  r.post('/posts/:postId/comments', writeLimit, async (req, res) => {
    const me = userOf(req);
    const postId = postIdParam.parse(req.params.postId);
    const { text } = commentBody.parse(req.body);
    await refuseMuted(ctx, me);
    const post = await visibleAuthor(ctx, postId);
    const c = await ctx.prisma.postComment.create({ data: { postId: BigInt(postId), authorId: me, text }, include: { author: authorSelect } });
    if (post.authorId !== me) {
      const said = text.length > 80 ? `${text.slice(0, 79)}…` : text;
      await notify(ctx, [{ userId: post.authorId, kind: 'COMMENT', source: `comment:${c.id}`, text: `${await nameOf(ctx, me)} commented on your post: ${said}`, data: { postId, commentId: Number(c.id), userId: me } }]);
    }
    ok(res, commentToWire(c), 201);
  });

  // liking twice is liking once; unliking what you did not like is not an error
  r.post('/posts/:postId/like', async (req, res) => {
    const me = userOf(req);
    const postId = postIdParam.parse(req.params.postId);
    const post = await visibleAuthor(ctx, postId);
    const { count } = await ctx.prisma.postLike.createMany({ data: [{ postId: BigInt(postId), userId: me }], skipDuplicates: true });
    if (count === 1 && post.authorId !== me) await notify(ctx, [{ userId: post.authorId, kind: 'LIKE', source: `like:${postId}:${me}`, text: `${await nameOf(ctx, me)} liked your post`, data: { postId, userId: me } }]);
    ok(res, { postId, liked: true, likes: await ctx.prisma.postLike.count({ where: { postId: BigInt(postId) } }) });
  });
  r.delete('/posts/:postId/like', async (req, res) => {
    const me = userOf(req);
    const postId = postIdParam.parse(req.params.postId);
    await ctx.prisma.postLike.deleteMany({ where: { postId: BigInt(postId), userId: me } });
    ok(res, { postId, liked: false, likes: await ctx.prisma.postLike.count({ where: { postId: BigInt(postId) } }) });
  });
  return r;
}

async function visiblePost(ctx: ApiContext, postId: number, me: string) {
  const post = await ctx.prisma.post.findFirst({ where: { id: BigInt(postId), ...visible }, include: postInclude(me) });
  if (post === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No post ${postId}`);
  return post;
}

/** A visible post's author, for what only needs the post to be there (a comment, a like): not its counts. */
async function visibleAuthor(ctx: ApiContext, postId: number) {
  const post = await ctx.prisma.post.findFirst({ where: { id: BigInt(postId), ...visible }, select: { authorId: true } });
  if (post === null) throw new ApiError(404, ErrorCode.NOT_FOUND, `No post ${postId}`);
  return post;
}

/** A participant an organiser muted is refused until the mute runs out, and told until when. */
async function refuseMuted(ctx: ApiContext, me: string): Promise<void> {
  const user = await ctx.prisma.user.findUnique({ where: { id: me }, select: { mutedUntil: true } });
  if (user?.mutedUntil != null && user.mutedUntil.getTime() > Date.now()) {
    throw new ApiError(403, ErrorCode.MUTED, `You are muted in the feed until ${user.mutedUntil.toISOString()}`);
  }
}

import { notify } from '../feed/notify';
import { Router } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../contracts/errors';
import type { ApiContext } from '../context';
import { ApiError, ok } from '../http-errors';
import { userOf } from '../authentication';
import { idText, plainText } from '../schemas';
import { postInclude, postToWire, publishPost } from '../feed/posts';

export const announcementBody = z.object({ text: plainText(1, 2000, 'an announcement') }).strict();
export const moderatePostBody = z.object({ action: z.enum(['hide', 'unhide', 'delete', 'pin', 'unpin']) }).strict();
export const moderateCommentBody = z.object({ action: z.enum(['hide', 'unhide', 'delete']) }).strict();
export const muteBody = z
  .object({
    userId: idText,
    minutes: z.number().int().min(0).max(7 * 24 * 60).describe('0 lifts the mute'),
    reason: plainText(0, 200, 'a reason').optional(),
  })
  .strict();
const idParam = z.coerce.number().int().positive();

/**
 * The organisers' side of the feed, mounted under /admin (so organisers only, and every action
 * that succeeds is in the audit log with its body): announcements (pinned, to everyone live),
 * hiding, deleting and pinning posts and comments, muting a participant for a time.
 */
export function moderationRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.post('/announcements', async (req, res) => {
    const { text } = announcementBody.parse(req.body);
    const me = userOf(req);
    const post = postToWire(await ctx.prisma.post.create({ data: { authorId: me, kind: 'ANNOUNCEMENT', text, pinned: true }, include: postInclude(me) }));
    await publishPost(ctx, post);
    await notify(ctx, { kind: 'ANNOUNCEMENT', source: `announcement:${post.postId}`, text: text.length > 140 ? `${text.slice(0, 139)}…` : text, data: { postId: post.postId } });
    ok(res, post, 201);
  });

  r.post('/posts/:postId/moderate', async (req, res) => {
    const postId = idParam.parse(req.params.postId);
    const { action } = moderatePostBody.parse(req.body);
    const now = new Date();
    const data = { hide: { hiddenAt: now }, unhide: { hiddenAt: null }, delete: { deletedAt: now }, pin: { pinned: true }, unpin: { pinned: false } }[action];
    // a deleted post stays deleted: nothing brings it back, and it is not there to act on
    const { count } = await ctx.prisma.post.updateMany({ where: { id: BigInt(postId), deletedAt: null }, data });
    if (count === 0) throw new ApiError(404, ErrorCode.NOT_FOUND, `No post ${postId}`);
    ok(res, { postId, action });
  });

  r.post('/comments/:commentId/moderate', async (req, res) => {
    const commentId = idParam.parse(req.params.commentId);
    const { action } = moderateCommentBody.parse(req.body);
    const now = new Date();
    const data = { hide: { hiddenAt: now }, unhide: { hiddenAt: null }, delete: { deletedAt: now } }[action];
    const { count } = await ctx.prisma.postComment.updateMany({ where: { id: BigInt(commentId), deletedAt: null }, data });
    if (count === 0) throw new ApiError(404, ErrorCode.NOT_FOUND, `No comment ${commentId}`);
    ok(res, { commentId, action });
  });

  r.post('/mutes', async (req, res) => {
    const { userId, minutes } = muteBody.parse(req.body);
    const mutedUntil = minutes === 0 ? null : new Date(Date.now() + minutes * 60_000);
    const { count } = await ctx.prisma.user.updateMany({ where: { id: userId }, data: { mutedUntil } });
    if (count === 0) throw new ApiError(404, ErrorCode.NOT_FOUND, `No participant with id ${userId}`);
    ok(res, { userId, mutedUntil: mutedUntil?.toISOString() ?? null });
  });

  r.get('/mutes', async (_req, res) => {
    const rows = await ctx.prisma.user.findMany({ where: { mutedUntil: { gt: new Date() } }, select: { id: true, username: true, mutedUntil: true }, orderBy: { mutedUntil: 'asc' } });
    ok(res, rows.map((u) => ({ userId: u.id, username: u.username, mutedUntil: u.mutedUntil!.toISOString() })));
  });
  return r;
}

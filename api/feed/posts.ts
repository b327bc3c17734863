import { centsToWire } from '../../contracts/money';
import type { Prisma } from '../../generated/prisma/client';
import type { ApiContext } from '../context';

/** What every read of a post loads: its author's names, its counts, and whether the reader liked it. */
export function postInclude(readerId: string | null) {
  return {
    author: authorSelect,
    _count: { select: { likes: true, comments: { where: { hiddenAt: null, deletedAt: null } } } },
    likes: { where: { userId: readerId ?? '' }, select: { userId: true } },
  } satisfies Prisma.PostInclude;
}

export type LoadedPost = Prisma.PostGetPayload<{ include: ReturnType<typeof postInclude> }>;

/** Who wrote a post or comment, as every answer names them. */
export const authorSelect = { select: { id: true, username: true, displayName: true } } as const;
const authorToWire = (a: { id: string; username: string; displayName: string | null }) => ({ userId: a.id, username: a.username, displayName: a.displayName });

/** A comment as the API gives it. */
export function commentToWire(c: { id: bigint; postId: bigint; text: string; createdAt: Date; author: { id: string; username: string; displayName: string | null } }) {
  return { commentId: Number(c.id), postId: Number(c.postId), author: authorToWire(c.author), text: c.text, createdAt: c.createdAt.toISOString() };
}

/** A post as the API and the `post` Socket.IO event give it; money in currency units, text as the author gave it. */
export function postToWire(p: LoadedPost) {
  return {
    postId: Number(p.id),
    kind: p.kind as 'POST' | 'ANNOUNCEMENT',
    author: authorToWire(p.author),
    text: p.text,
    pinned: p.pinned,
    fill:
      p.tradeId === null
        ? null
        : { tradeId: Number(p.tradeId), symbol: p.fillSymbol!, side: p.fillSide as 'BUY' | 'SELL', price: centsToWire(Number(p.fillPrice)), quantity: Number(p.fillQuantity), executedAt: p.fillExecutedAt!.toISOString() },
    likes: p._count.likes,
    comments: p._count.comments,
    likedByMe: p.likes.length > 0,
    createdAt: p.createdAt.toISOString(),
  };
}

export type WirePost = ReturnType<typeof postToWire>;

/** The visible posts only: hidden and deleted ones are the organisers' to see in the audit, nobody else's. */
export const visible = { hiddenAt: null, deletedAt: null } as const;

/**
 * Tells the ws-servers of a new post: an announcement to everyone, a participant's post to its
 * author and their followers (others see it in the global feed when they read it).
 */
export async function publishPost(ctx: ApiContext, post: WirePost): Promise<void> {
  let to: string[] | 'everyone' = 'everyone';
  if (post.kind === 'POST') {
    const followers = await ctx.prisma.follow.findMany({ where: { followeeId: post.author.userId }, select: { followerId: true } });
    to = [post.author.userId, ...followers.map((f) => f.followerId)];
  }
  // likedByMe is the reader's: nobody has liked a new post
  await ctx.redis.publish(ctx.n.channels.social, JSON.stringify({ type: 'post', to, post: { ...post, likedByMe: false } }));
}

import { notifyEveryone, publishNotifications, storeNotifications, type NotificationDraft } from '../../runtime/notifications';
import type { ApiContext } from '../context';

/**
 * Stores and pushes notifications of what a request did (a follow, a comment, a like, an
 * announcement, news, a session change). What the request did stands whether or not they could be
 * stored: a failure here is logged, not answered as the request's.
 */
export async function notify(ctx: ApiContext, drafts: NotificationDraft[] | Omit<NotificationDraft, 'userId'>): Promise<void> {
  try {
    const stored = Array.isArray(drafts) ? await storeNotifications(ctx.prisma, drafts) : await notifyEveryone(ctx.prisma, drafts);
    await publishNotifications(ctx.redis, ctx.n, stored);
  } catch (err) {
    ctx.log.warn({ err: String(err) }, 'could not store or send notifications');
  }
}

const SESSION_TEXT = { OPEN: 'The market is open', HALTED: 'Trading is halted', CLOSED: 'The market is closed' } as const;

/** Everyone is told of a session change the engine applied (its seq names it: told once). */
export async function notifySession(ctx: ApiContext, state: keyof typeof SESSION_TEXT, seq: number): Promise<void> {
  await notify(ctx, { kind: 'SESSION', source: `session:${seq}`, text: SESSION_TEXT[state], data: { state, seq } });
}

/** How a participant is named in a notification: their display name if they set one, else their username. */
export async function nameOf(ctx: ApiContext, userId: string): Promise<string> {
  const u = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { username: true, displayName: true } });
  return u?.displayName ?? u?.username ?? 'Someone';
}

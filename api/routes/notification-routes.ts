import { Router } from 'express';
import { z } from 'zod';
import { NOTIFICATION_KINDS } from '../../contracts/wire-schemas';
import type { ApiContext } from '../context';
import { ok } from '../http-errors';
import { userOf } from '../authentication';
import { limitParam } from '../schemas';

export const notificationsQuery = z.object({ limit: limitParam(100, 20), cursor: z.coerce.number().int().positive().optional(), unread: z.enum(['true', 'false']).optional() }).strict();
export const markReadBody = z.union([z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }).strict(), z.object({ all: z.literal(true) }).strict()]);
export const preferencesBody = z.object({ kinds: z.partialRecord(z.enum(NOTIFICATION_KINDS), z.boolean()) }).strict();

/** Your notification centre: newest first by cursor, the unread count, marking read, and which kinds you want. */
export function notificationRoutes(ctx: ApiContext): Router {
  const r = Router();
  const unreadOf = (userId: string) => ctx.prisma.notification.count({ where: { userId, readAt: null } });

  r.get('/', async (req, res) => {
    const me = userOf(req);
    const { limit, cursor, unread } = notificationsQuery.parse(req.query);
    const [rows, count] = await Promise.all([
      ctx.prisma.notification.findMany({
        where: { userId: me, ...(unread === 'true' ? { readAt: null } : {}), ...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }) },
        orderBy: { id: 'desc' },
        take: limit + 1,
      }),
      unreadOf(me),
    ]);
    const items = rows.slice(0, limit).map((n) => ({ notificationId: Number(n.id), kind: n.kind, text: n.text, data: n.data, read: n.readAt !== null, createdAt: n.createdAt.toISOString() }));
    ok(res, { items, unread: count, nextCursor: rows.length > limit ? items[items.length - 1].notificationId : null });
  });

  // only your own: ids of someone else's notifications change nothing
  r.post('/read', async (req, res) => {
    const me = userOf(req);
    const body = markReadBody.parse(req.body);
    const { count } = await ctx.prisma.notification.updateMany({ where: { userId: me, readAt: null, ...('ids' in body ? { id: { in: body.ids.map(BigInt) } } : {}) }, data: { readAt: new Date() } });
    ok(res, { marked: count, unread: await unreadOf(me) });
  });

  const preferences = (off: string[]) => ({ kinds: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, !off.includes(k)])) });
  r.get('/preferences', async (req, res) => {
    const u = await ctx.prisma.user.findUniqueOrThrow({ where: { id: userOf(req) }, select: { notificationsOff: true } });
    ok(res, preferences(u.notificationsOff));
  });
  r.post('/preferences', async (req, res) => {
    const me = userOf(req);
    const { kinds } = preferencesBody.parse(req.body);
    const u = await ctx.prisma.user.findUniqueOrThrow({ where: { id: me }, select: { notificationsOff: true } });
    const off = new Set(u.notificationsOff);
    for (const [kind, wanted] of Object.entries(kinds)) {
      if (wanted) off.delete(kind);
      else off.add(kind);
    }
    const updated = await ctx.prisma.user.update({ where: { id: me }, data: { notificationsOff: [...off] }, select: { notificationsOff: true } });
    ok(res, preferences(updated.notificationsOff));
  });
  return r;
}

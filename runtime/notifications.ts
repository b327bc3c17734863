import type Redis from 'ioredis';
import type { Names } from '../contracts/names';
import type { NotificationKind, wireNotification } from '../contracts/wire-schemas';
import type { z } from 'zod';
import type { PrismaClient } from './prisma';

/** A notification to store for one participant; `source` names what it is about (one per participant per source). */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  source: string;
  text: string;
  data: Record<string, unknown>;
}

type WireNotification = z.infer<typeof wireNotification>;
interface Row {
  id: bigint;
  user_id: string;
  kind: NotificationKind;
  text: string;
  data: Record<string, unknown>;
  created_at: Date;
}

const RETURNING = 'RETURNING id, user_id, kind, text, data, created_at';

/**
 * Stores notifications for participants who want their kind (the rest, and ids that are nobody's,
 * as a bot's, store nothing), once per participant and source: a job persisted again or a request
 * sent twice adds none. Answers what was stored, for publishing.
 */
export async function storeNotifications(prisma: PrismaClient, drafts: NotificationDraft[]): Promise<{ userId: string; notification: WireNotification }[]> {
  if (drafts.length === 0) return [];
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `INSERT INTO notifications (user_id, kind, source, text, data)
     SELECT d."userId", d.kind, d.source, d.text, d.data
     FROM jsonb_to_recordset($1::jsonb) AS d("userId" text, kind text, source text, text text, data jsonb)
     JOIN users u ON u.id = d."userId" AND NOT (d.kind = ANY(u.notifications_off))
     ON CONFLICT (user_id, source) DO NOTHING ${RETURNING}`,
    JSON.stringify(drafts),
  );
  return rows.map(toWire);
}

/** The same notification to every participant (not organisers) who wants its kind: an announcement, news, a session change. */
export async function notifyEveryone(prisma: PrismaClient, draft: Omit<NotificationDraft, 'userId'>): Promise<{ userId: string; notification: WireNotification }[]> {
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `INSERT INTO notifications (user_id, kind, source, text, data)
     SELECT u.id, $1, $2, $3, $4::jsonb FROM users u WHERE u.role = 'PARTICIPANT' AND NOT ($1 = ANY(u.notifications_off))
     ON CONFLICT (user_id, source) DO NOTHING ${RETURNING}`,
    draft.kind,
    draft.source,
    draft.text,
    JSON.stringify(draft.data),
  );
  return rows.map(toWire);
}

/** Each stored notification to its owner's sockets, through the ws-servers (one round trip). */
export async function publishNotifications(redis: Redis, n: Names, stored: { userId: string; notification: WireNotification }[]): Promise<void> {
  if (stored.length === 0) return;
  const pipe = redis.pipeline();
  for (const s of stored) pipe.publish(n.channels.social, JSON.stringify({ type: 'notification', userId: s.userId, notification: s.notification }));
  await pipe.exec();
}

function toWire(r: Row): { userId: string; notification: WireNotification } {
  return { userId: r.user_id, notification: { notificationId: Number(r.id), kind: r.kind, text: r.text, data: r.data, read: false, createdAt: r.created_at.toISOString() } };
}

import type { Logger } from '../runtime/logger';
import type { PrismaClient } from '../runtime/prisma';
import { usernameSkeleton } from './usernames';

/**
 * Accounts made before usernames were compared by skeleton get theirs at start, oldest first. Two
 * older accounts that already look alike keep their names; the later one gets no skeleton (and
 * so blocks no one), which is logged for the organiser.
 */
export async function backfillSkeletons(prisma: PrismaClient, log: Logger): Promise<void> {
  const missing = await prisma.user.findMany({ where: { usernameSkeleton: null }, orderBy: { createdAt: 'asc' }, select: { id: true, username: true } });
  for (const u of missing) {
    try {
      await prisma.user.update({ where: { id: u.id }, data: { usernameSkeleton: usernameSkeleton(u.username) } });
    } catch (err) {
      if ((err as { code?: string }).code !== 'P2002') throw err;
      log.warn({ username: u.username }, 'an older account looks like another: left without a skeleton');
    }
  }
  if (missing.length > 0) log.info({ accounts: missing.length }, 'usernames folded for comparison');
}

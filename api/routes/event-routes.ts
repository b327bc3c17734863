import express, { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { currentEvent, loadEvent, publishNews } from '../event-service';
import { ok } from '../http-errors';
import { eventResults, resultsCsv } from '../results';
import { idText, limitParam, symbolText } from '../schemas';

/** YAML uploads (the organiser screen sends the file as it is); JSON bodies come through express.json */
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];
const EVENT_FILE_LIMIT = '256kb';

export const newsBody = z
  .object({
    headline: z.string().trim().min(1).max(200),
    body: z.string().max(4000).optional(),
    symbol: symbolText.optional(),
    movePercent: z.number().gt(-100).max(1000).optional(),
    /** the data-server names scheduled items, so that each is published once whoever sends it again */
    newsId: idText.optional(),
  })
  .strict()
  .refine((n) => n.movePercent === undefined || n.symbol !== undefined, { message: 'a price move needs a symbol', path: ['movePercent'] });

export const resultsQuery = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();

/** The organiser's event: load and read the definition, post news, export the results. Mounted under /admin. */
export function eventAdminRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.post('/event', express.text({ type: YAML_TYPES, limit: EVENT_FILE_LIMIT }), async (req, res) => {
    const { event, seq, opened } = await loadEvent(ctx, req.body);
    ok(res, { name: event.name, seq, symbols: event.symbols.map((s) => s.symbol), news: event.news.length, opened });
  });
  r.get('/event', async (_req, res) => ok(res, await currentEvent(ctx)));
  r.post('/news', async (req, res) => {
    const { newsId, ...item } = newsBody.parse(req.body);
    ok(res, await publishNews(ctx, item, newsId));
  });
  r.get('/results', async (req, res) => {
    const { format } = resultsQuery.parse(req.query);
    const results = await eventResults(ctx);
    if (format === 'json') return ok(res, results);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="results.csv"');
    res.send(resultsCsv(results.rows));
  });
  return r;
}

export const newsQuery = z.object({ limit: limitParam(200, 50), before: z.coerce.number().int().positive().optional() }).strict();

/** News for everyone, newest first: late joiners read what the `news` event already told the others. */
export function newsRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = newsQuery.parse(req.query);
    const rows = await ctx.prisma.news.findMany({ where: q.before === undefined ? {} : { seq: { lt: BigInt(q.before) } }, orderBy: { seq: 'desc' }, take: q.limit });
    const items = rows.map((n) => ({ seq: Number(n.seq), newsId: n.newsId, headline: n.headline, body: n.body, symbol: n.symbol, movePercent: n.movePercent, publishedAt: n.publishedAt }));
    ok(res, { items, nextBefore: rows.length === q.limit ? items[items.length - 1].seq : null });
  });
  return r;
}

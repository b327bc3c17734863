import type { Api } from './api.js';
import { byId, emptyRow } from './dom.js';
import { esc, formatTime } from './format.js';
import type { LiveSocket } from './live.js';

export interface NewsItem {
  seq: number;
  headline: string;
  body: string;
  symbol: string | null;
  movePercent: number | null;
  publishedAt?: string;
  timestamp?: number;
}

const SHOWN = 20;

/** The news panel: the latest headlines (GET /news), then every `news` event as it comes; newest first, each once. */
export class NewsPanel {
  private items: NewsItem[] = [];

  async load(api: Api): Promise<void> {
    const res = await api.call<{ items: NewsItem[] }>('GET', `/news?limit=${SHOWN}`);
    if (!res.ok) return;
    // a live item that arrived while the page loaded is kept
    this.items = merge(res.data.items, this.items);
    this.draw();
  }

  attach(socket: LiveSocket): void {
    socket.on('news', (n) => {
      this.items = merge([n as NewsItem], this.items);
      this.draw();
    });
  }

  private draw(): void {
    // rendered as text: headlines are the organisers' words, never markup
    byId('news').innerHTML =
      this.items
        .map((n) => {
          const when = formatTime(n.publishedAt ?? n.timestamp ?? Date.now());
          const tag = n.symbol === null ? '' : ` <strong>${esc(n.symbol)}</strong>`;
          return `<tr><td>${esc(when)}</td><td>${tag} ${esc(n.headline)}${n.body === '' ? '' : `<div class="muted">${esc(n.body)}</div>`}</td></tr>`;
        })
        .join('') || emptyRow(2, 'No news yet');
  }
}

/** newest first by seq, each item once */
export function merge(a: NewsItem[], b: NewsItem[]): NewsItem[] {
  const bySeq = new Map<number, NewsItem>();
  for (const n of [...a, ...b]) bySeq.set(n.seq, n);
  return [...bySeq.values()].sort((x, y) => y.seq - x.seq).slice(0, SHOWN);
}

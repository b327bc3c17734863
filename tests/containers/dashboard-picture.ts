import { launchBrowser } from '../ui/browser';

/**
 * Grafana cannot be installed on these machines, so the deployment test draws the dashboard's
 * panels itself: each panel's queries over the last minutes from Prometheus (query_range), as
 * line charts in SVG, laid out on the panels' grid, and photographed by Chromium. The picture in
 * the README is this, from a real run; Grafana shows the same queries.
 */
interface Panel {
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets: { expr: string; legendFormat?: string }[];
}

type Series = { label: string; points: [number, number][] };

const COLOURS = ['#3274d9', '#e0752d', '#56a64b', '#a352cc', '#e02f44', '#8ab8ff'];
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

async function seriesOf(prometheusUrl: string, panel: Panel, start: number, end: number): Promise<Series[]> {
  const out: Series[] = [];
  for (const t of panel.targets) {
    const url = `${prometheusUrl}/api/v1/query_range?query=${encodeURIComponent(t.expr)}&start=${start}&end=${end}&step=2`;
    const body = (await (await fetch(url)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
    if (body.status !== 'success') throw new Error(`${t.expr}: ${body.error}`);
    for (const r of body.data.result) {
      const label = (t.legendFormat ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => r.metric[k] ?? '') || Object.values(r.metric).join(' ') || 'value';
      out.push({ label, points: r.values.map(([ts, v]) => [ts, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)) });
    }
  }
  return out;
}

function chart(series: Series[], start: number, end: number, unit: string): string {
  const [w, h, pad] = [560, 190, 34];
  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  const max = Math.max(1e-9, ...values);
  const x = (ts: number) => pad + ((ts - start) / (end - start)) * (w - pad - 8);
  const y = (v: number) => h - 18 - (v / max) * (h - 30);
  const fmt = (v: number) => (unit === 's' ? `${(v * 1000).toPrecision(3)} ms` : v.toPrecision(3));
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="${s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<span style="color:${COLOURS[i % COLOURS.length]}">■ ${escape(s.label)} ${s.points.length ? fmt(s.points[s.points.length - 1][1]) : ''}</span>`).join(' ');
  return `<svg width="${w}" height="${h}"><line x1="${pad}" y1="${h - 18}" x2="${w}" y2="${h - 18}" stroke="#555"/><text x="0" y="14" fill="#aaa" font-size="11">${fmt(max)}</text><text x="0" y="${h - 20}" fill="#aaa" font-size="11">0</text>${lines.join('')}</svg><div class="legend">${legend || 'no data'}</div>`;
}

export async function drawDashboard(prometheusUrl: string, dashboard: { title: string; panels: Panel[] }, file: string, minutes = 2): Promise<string[]> {
  const end = Math.floor(Date.now() / 1000);
  const start = end - minutes * 60;
  const cells: string[] = [];
  const counts: string[] = [];
  for (const p of dashboard.panels) {
    const series = await seriesOf(prometheusUrl, p, start, end);
    counts.push(`${p.title}: ${series.length} series, ${series.reduce((n, s) => n + s.points.length, 0)} points`);
    if (series.length === 0) {
      const raw = await (await fetch(`${prometheusUrl}/api/v1/query_range?query=${encodeURIComponent(p.targets[0].expr)}&start=${start}&end=${end}&step=2`)).text();
      counts.push(`(${p.targets[0].expr} from ${start} to ${end}: ${raw.slice(0, 300)})`);
    }
    const left = p.gridPos.x * 50;
    const top = p.gridPos.y * 30 + 40;
    cells.push(`<div class="panel" style="left:${left}px;top:${top}px"><h2>${escape(p.title)}</h2>${chart(series, start, end, p.fieldConfig?.defaults?.unit ?? '')}</div>`);
  }
  const rows = Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const html = `<!doctype html><html><head><style>
    body { background:#111217; color:#ccccdc; font:13px sans-serif; margin:0 }
    h1 { font-size:16px; margin:10px 12px } h2 { font-size:13px; margin:4px 0 }
    .panel { position:absolute; width:580px; height:230px; background:#181b1f; border:1px solid #2c3235; padding:6px }
    .legend { font-size:11px }
  </style></head><body><h1>${escape(dashboard.title)}: the last ${minutes} minutes of a test:deploy run</h1>${cells.join('')}</body></html>`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1210, height: rows * 30 + 50 } });
    await page.setContent(html);
    await page.screenshot({ path: file });
  } finally {
    await browser.close();
  }
  return counts;
}

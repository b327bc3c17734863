import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import type { ServerResponse } from 'http';

/**
 * Headers every answer of the api carries, the trading page's and the API's alike: the page holds
 * a participant's session, so no other site may frame it (clickjacking) and no script but the
 * exchange's own may run in it.
 */
export function securityHeaders(publicWsUrl: string, indexHtmlPath: string): (res: ServerResponse) => void {
  const csp = contentSecurityPolicy(publicWsUrl, importMapHashes(indexHtmlPath));
  return (res) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
  };
}

/**
 * No inline script except the page's import map, allowed by its hash (browsers cannot load an
 * import map from a file); styles may be inline (the depth bars' widths, the chart library's).
 * Socket.IO lives on another port unless served behind one ingress (`same-origin`).
 */
export function contentSecurityPolicy(publicWsUrl: string, scriptHashes: string[]): string {
  const ws =
    publicWsUrl === 'same-origin' || publicWsUrl === ''
      ? []
      : publicWsUrl.startsWith(':')
        ? ['http', 'https', 'ws', 'wss'].map((scheme) => `${scheme}://*${publicWsUrl}`)
        : [publicWsUrl, publicWsUrl.replace(/^http/, 'ws')];
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.map((h) => `'${h}'`).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${ws.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** sha256 of each inline `<script type="importmap">` of the page, as CSP writes it */
export function importMapHashes(indexHtmlPath: string): string[] {
  let html: string;
  try {
    html = readFileSync(indexHtmlPath, 'utf8');
  } catch {
    return [];
  }
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)) hashes.push(`sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}`);
  return hashes;
}

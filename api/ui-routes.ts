import express, { Router } from 'express';
import { dirname, join } from 'path';
import { projectRoot } from '../runtime/paths';

const DIST = join(projectRoot(__dirname, 1), 'dist');
/** the trading page, whose import map the content security policy allows by hash */
export const INDEX_HTML = join(DIST, 'ui', 'index.html');

/** The browser's two libraries, served from the packages the exchange already installs. */
const VENDOR = {
  'socket.io.esm.min.js': join(dirname(require.resolve('socket.io')), '..', 'client-dist', 'socket.io.esm.min.js'),
  'lightweight-charts.mjs': join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.mjs'),
};

/**
 * The browser trading UI, served by the api itself at /app/: the page and styles (copied to
 * dist/ui by the build), the compiled modules (dist/ui-js), the vendor modules, and where the
 * page finds Socket.IO (`PUBLIC_WS_URL`).
 */
export function uiRoutes(publicWsUrl: string): Router {
  const r = Router();
  r.get('/', (_req, res) => res.redirect(302, '/app/'));
  r.get('/app/config.json', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ wsUrl: publicWsUrl });
  });
  for (const [name, file] of Object.entries(VENDOR)) {
    r.get(`/app/vendor/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1h', headers: { 'content-type': 'text/javascript; charset=utf-8' } }));
  }
  r.use('/app/js', express.static(join(DIST, 'ui-js', 'ui', 'src'), { index: false }));
  r.use('/app', express.static(join(DIST, 'ui'), { index: 'index.html' }));
  return r;
}

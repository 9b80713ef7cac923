// Minimal static file server for the Playwright journeys: serves ../../dist (the release build) on
// 127.0.0.1 only. Usage: node serve.mjs [port]   (default 4173). Started and stopped by Playwright
// (playwright.config.ts webServer). Unknown paths without a file extension fall back to index.html;
// paths that resolve outside dist/ are refused.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));
const port = Number(process.argv[2] ?? process.env.E2E_PORT ?? 4173);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json', '.zip': 'application/zip', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function isFile(path) { try { return (await stat(path)).isFile(); } catch { return false; } }

if (!(await isFile(join(root, 'index.html')))) {
  console.error(`serve.mjs: ${join(root, 'index.html')} not found; run \`trunk build --release\` first`);
  process.exit(1);
}

createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
  let rel;
  try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
  let file = resolve(root, '.' + normalize('/' + rel));
  const outside = rel.includes('\0') || rel.split(/[\\/]/).includes('..') || (file !== root && !file.startsWith(root + sep));
  if (outside) { res.writeHead(403).end(); return; } // never serve anything outside dist/
  if (file === root || rel.endsWith('/')) file = join(file, 'index.html');
  if (!(await isFile(file))) {
    if (extname(file)) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    file = join(root, 'index.html'); // single-page app fallback
  }
  const body = await readFile(file);
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}).listen(port, '127.0.0.1', () => console.log(`serve.mjs: ${root} on http://127.0.0.1:${port}/`));

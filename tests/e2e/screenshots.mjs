// Takes a full-page screenshot of every step (a developer tool, not a test): node screenshots.mjs OUT_DIR [PORT]
// Serves ../../dist with serve.mjs on 127.0.0.1, drives the app with Debian's Chromium, and stops both.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const out = process.argv[2] ?? 'screenshots';
const port = Number(process.argv[3] ?? 4199);
const here = path.dirname(new URL(import.meta.url).pathname);
const server = spawn('node', [path.join(here, 'serve.mjs'), String(port)], { stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  // Full-page shots: let the sticky bottom bar sit at the end instead of over the content.
  const unstick = () => page.addStyleTag({ content: '.step-nav { position: static !important; }' });
  const shot = async (name) => { await unstick(); return page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true }); };
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  await shot('1-upload-empty');
  await page.getByTestId('file-input').setInputFiles(path.join(here, '../domain/fixtures/pipeline/salesforce-contacts.csv'));
  await page.getByText('8 rows').waitFor();
  await shot('2-upload-loaded');
  await page.getByTestId('step-next').click();
  await shot('3-map');
  await page.getByTestId('step-next').click();
  await shot('4-review');
  await page.getByTestId('step-next').click();
  await shot('5-export');
  const bad = await browser.newPage({ viewport: { width: 1280, height: 700 }, bypassCSP: true });
  await bad.goto(`http://127.0.0.1:${port}/`);
  await bad.getByTestId('file-input').setInputFiles(path.join(here, '../domain/fixtures/read/workbook.xlsx.csv'));
  await bad.getByRole('alert').first().waitFor();
  await bad.addStyleTag({ content: '.step-nav { position: static !important; }' });
  await bad.screenshot({ path: path.join(out, '6-upload-error.png'), fullPage: true });
} finally {
  await browser.close();
  server.kill();
}

// Smoke journey: the release build loads and the wasm app starts under the page's Content-Security-Policy.
// A loader blocked by the CSP, or a broken wasm-opt, gives a blank page and a console error and nothing
// else, so this waits for a rendered element and fails on CSP reports and uncaught page errors.
import { expect, test } from '@playwright/test';
import * as app from '../pages/app';

test('the release build starts under its Content-Security-Policy', async ({ page, baseURL }) => {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (/^(https?|wss?):/.test(url) && !url.startsWith(baseURL!)) foreignRequests.push(url);
  });
  // Also record CSP violations as the page sees them (init scripts are not subject to the page's CSP).
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
    );
  });

  // Report what went wrong (CSP, page errors) before reporting that the app did not start.
  const started = await app.open(page).then(
    () => 'started',
    (err: Error) => `did not start: ${err.message.split('\n')[0]}`,
  );

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp, 'the CSP meta tag is present').toBeTruthy();
  expect(csp, 'scripts/csp-hash.py replaced the placeholder').not.toContain('TRUNK_LOADER');
  expect(csp).toMatch(/'sha256-[A-Za-z0-9+/]+=*'/);

  const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  expect(violations, 'CSP violations').toEqual([]);
  expect(consoleErrors.filter((text) => /Content.Security.Policy/i.test(text)), 'CSP console errors').toEqual([]);
  expect(pageErrors, 'uncaught page errors').toEqual([]);
  expect(foreignRequests, 'requests to other origins').toEqual([]);
  expect(started, `console errors: ${JSON.stringify(consoleErrors)}`).toBe('started');
});

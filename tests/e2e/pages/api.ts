// Page-object helpers for the "Or import via API" step: a generated customers file, the way to the step, the
// connection form, and waiting for a run to finish. Only data-testid hooks and accessible names are used.
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import * as app from './app';
import { EMAIL, TOKEN, type Sandbox } from './sandbox';

/** A clean customers CSV of `n` rows (Email, names, title, phone, type), written to the test's output folder. */
export function customersFile(n: number): string {
  const lines = ['Email,First Name,Last Name,Title,Phone,Type'];
  for (let i = 1; i <= n; i++) {
    lines.push(`person${i}@example.com,Person,Number ${i},Engineer ${i},+1 415 555 ${String(i).padStart(4, '0')},${i % 3 === 0 ? 'Partner' : 'Customer'}`);
  }
  const target = test.info().outputPath(`customers-${n}.csv`);
  writeFileSync(target, lines.join('\r\n') + '\r\n');
  return target;
}

/** Loads `file` as customers and walks to the last step. */
export async function toApiStep(page: Page, file: string): Promise<void> {
  await page.getByTestId('entity-customers').check();
  await app.upload(page, file);
  for (let i = 0; i < 4; i++) await app.next(page);
  await expect(page.getByRole('heading', { name: 'Import directly into CSM (optional)' })).toBeVisible();
}

/** Fills the connection form for `sandbox` and tests it; `remember` keeps the token for the tab. */
export async function connect(page: Page, sandbox: Sandbox, opts: { token?: string; remember?: boolean } = {}) {
  await page.getByTestId('api-base').fill(sandbox.url);
  await page.getByTestId('api-cloud-id').fill('test-cloud');
  await page.getByTestId('api-auth-basic').check();
  await page.getByTestId('api-email').fill(EMAIL);
  await page.getByTestId('api-token').fill(opts.token ?? TOKEN);
  if (opts.remember) await page.getByTestId('api-remember').check();
  await page.getByTestId('api-test-connection').click();
}

/** Waits until the run says Finished (long imports poll CSM every few seconds). */
export async function waitFinished(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByTestId('api-run-status')).toHaveText('Finished.', { timeout });
}

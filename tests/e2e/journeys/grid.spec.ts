// Journey: the review grid with many rows — only the rows in view are on the page, "Go to row" jumps to a
// spreadsheet row, the problem filter narrows to the rows that need fixing, and an edit there re-validates.
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import * as app from '../pages/app';

test('20,000 rows: the grid stays small, jumps to a row, filters to problems and takes an edit', async ({ page }) => {
  const lines = ['Email,First Name,Last Name,Title'];
  for (let i = 1; i <= 20_000; i++) {
    // Every 1,000th email is broken.
    lines.push(`${i % 1000 === 0 ? `broken${i}` : `person${i}@example.com`},Pat,Lee ${i},Engineer`);
  }
  const file = test.info().outputPath('grid-20000.csv');
  writeFileSync(file, lines.join('\n'));

  // The grid sizes its scroll area through the CSSOM; an inline style attribute would break under the CSP.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await app.open(page);
  await page.getByTestId('entity-customers').check();
  await app.upload(page, file);
  await app.next(page);
  await app.next(page);
  await expect(page.getByTestId('summary-rows')).toHaveText('20,000');
  await expect(page.getByTestId('summary-invalid')).toHaveText('20');
  const grid = page.getByRole('region', { name: 'Your rows' });
  expect(await grid.locator('tbody tr').count()).toBeLessThan(60);

  await page.getByLabel('Go to row').fill('15002');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Email, row 15002' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Email, row 15002' })).toHaveValue('person15001@example.com');

  await page.getByLabel('Show only rows with problems').check();
  await expect(page.getByText('20 rows in all')).toBeVisible();
  const broken = page.getByRole('textbox', { name: 'Email, row 5001' });
  await expect(broken).toHaveValue('broken5000');
  await broken.fill('fixed5000@example.com');
  await broken.press('Tab');
  await expect(page.getByTestId('summary-invalid')).toHaveText('19');
  expect(violations).toEqual([]);
});

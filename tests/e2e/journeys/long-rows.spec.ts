// Journey: a big file of few, long rows (12,000 accounts with a 3 KB description each, 40 MB). A file this big
// keeps only a few blocks of its rows in the tab and reads the others back from disk, so everything that needs a
// pass over the rows runs in slices: the person-account count, the values of a column chosen after reading, the
// check and both downloads. Each must still see every row.
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import * as app from '../pages/app';

const ROWS = 12_000;
const TIERS = ['Enterprise', 'SMB', 'Startup'];

function accounts(): string {
  const lines = ['Id,Name,Type,Band,IsPersonAccount,Website,Description'];
  for (let i = 1; i <= ROWS; i++) {
    const person = i % 10 === 0 ? 'true' : 'false';
    const about = `Account ${i} notes: ${'long-standing customer, renewal due, '.repeat(90)}`;
    lines.push(`001${String(i).padStart(15, '0')},Account ${i},Customer - Direct,${TIERS[i % 3]},${person},https://acct${i}.example.com,"${about}"`);
  }
  return lines.join('\r\n') + '\r\n';
}

test('12,000 long rows kept on disk: person accounts, values counted later, exact counts and downloads', async ({ page }) => {
  test.setTimeout(300_000);
  const file = test.info().outputPath('accounts-long.csv');
  writeFileSync(file, accounts());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await app.open(page);
  await page.getByTestId('entity-organizations').check();
  await app.upload(page, file);
  await expect(page.getByText('“accounts-long.csv”: 12,000 rows')).toBeVisible({ timeout: 120_000 });
  await app.next(page);

  // Counted from the file, in slices: every tenth account is a person.
  const people = page.getByRole('group', { name: /1,200 rows are Salesforce person accounts/ });
  await expect(people).toBeVisible({ timeout: 60_000 });
  await people.getByLabel('Leave them out').check();

  // A column chosen now has its values counted from the file too.
  await page.locator('[data-testid="map-field"][data-field="Customer Segment"] select').selectOption({ label: 'Band' });
  const segments = page.getByRole('region', { name: 'Values of “Customer Segment”' });
  await expect(segments.getByLabel('Enterprise', { exact: true })).toHaveValue('Enterprise', { timeout: 60_000 });
  await expect(segments.getByText('4,000 rows')).toHaveCount(3);
  await app.next(page);

  await expect(page.getByTestId('summary-rows')).toHaveText('12,000', { timeout: 120_000 });
  await expect(page.getByTestId('summary-invalid')).toHaveText('1,200');
  // Checked again after those changes in the reading workers, person accounts left out there too.
  const inWorkers = await page.evaluate(() => performance.getEntriesByName('check: in the reading workers').length);
  expect(inWorkers).toBeGreaterThanOrEqual(1);
  await app.next(page);

  const lines = readFileSync(await app.download(page, 'download-import'), 'utf8').trimEnd().split('\r\n');
  expect(lines).toHaveLength(ROWS - 1_200 + 1);
  expect(lines[0].split(',')).toContain('Customer Segment');
  expect(lines.filter((l) => l.startsWith('Account 11999,'))).toHaveLength(1);
  expect(lines.find((l) => l.startsWith('Account 11999,'))).toMatch(/,Startup$/);
  expect(lines.some((l) => l.startsWith('Account 12000,'))).toBe(false);

  const rejects = readFileSync(await app.download(page, 'download-rejects'), 'utf8');
  expect(rejects.match(/^001\d{15},Account \d+,/gm)).toHaveLength(1_200);
  expect(rejects).toContain('Account 12000 notes');
  expect(errors).toEqual([]);
});

// One record longer than what the reading worker asks the browser for at once (8 MiB): its bytes come in more than
// one read, and the rows after it are still read, numbered and checked.
test('a record of 9 MB among short ones is read whole', async ({ page }) => {
  test.setTimeout(120_000);
  const file = test.info().outputPath('one-long-record.csv');
  const row = (i: number) => `Person ${i},p${i}@example.com,short note`;
  const lines = ['Name,Email,Notes'];
  for (let i = 1; i <= 100; i++) lines.push(row(i));
  lines.push(`Long One,long@example.com,"${'many words,\nover lines; '.repeat(400_000)}"`);
  for (let i = 101; i <= 200; i++) lines.push(row(i));
  writeFileSync(file, lines.join('\n') + '\n');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await app.open(page);
  await page.getByTestId('entity-customers').check();
  await app.upload(page, file);
  await expect(page.getByText('“one-long-record.csv”: 201 rows')).toBeVisible({ timeout: 60_000 });
  await app.next(page);
  await app.next(page);
  await expect(page.getByTestId('summary-rows')).toHaveText('201', { timeout: 60_000 });
  expect(errors).toEqual([]);
});

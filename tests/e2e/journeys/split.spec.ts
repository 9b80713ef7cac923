// Journey: more rows than one file may hold (legacy sites: 1,000 rows per file) are delivered as a .zip of
// numbered files; the test unzips it and checks every file's header and that every row is there exactly once.
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import * as app from '../pages/app';

test('a split export is a zip with the right number of files', async ({ page }) => {
  const rows = ['Email,FirstName,LastName'];
  for (let i = 0; i < 2500; i++) rows.push(`person${i}@example.com,Person,Number ${i}`);
  const input = test.info().outputPath('contacts-2500.csv');
  writeFileSync(input, rows.join('\n') + '\n');

  await app.open(page);
  await app.upload(page, input);
  await app.next(page);
  await app.next(page);
  await expect(page.getByTestId('summary-valid')).toHaveText('2,500');
  await app.next(page);
  await page.getByRole('radio', { name: /Older site/ }).check();

  const zipPath = await app.download(page, 'download-import');
  expect(zipPath.endsWith('.zip')).toBe(true);
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const names = Object.keys(files).sort();
  expect(names).toEqual([
    'customers-import-part-01-of-03.csv',
    'customers-import-part-02-of-03.csv',
    'customers-import-part-03-of-03.csv',
  ]);
  const seen: string[] = [];
  for (const name of names) {
    const lines = strFromU8(files[name]).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Email,Display name,Full name');
    expect(lines.length - 1).toBeLessThanOrEqual(1000);
    seen.push(...lines.slice(1));
  }
  expect(seen).toHaveLength(2500);
  expect(new Set(seen).size).toBe(2500);
  expect(seen[1234]).toBe('person1234@example.com,Person Number 1234,Person Number 1234');
});

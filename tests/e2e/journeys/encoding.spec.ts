// Journey: a Windows-1252, semicolon-separated file (what Excel on Windows saves as "CSV") is detected, and its
// accents come out right in the UTF-8 import file.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as app from '../pages/app';

test('Windows-1252 semicolon file keeps its accents', async ({ page }) => {
  await app.open(page);
  await app.upload(page, app.fixture('read/contacts-cp1252-semicolon.csv'));
  await expect(page.getByLabel('Text encoding')).toHaveValue('windows-1252');
  await expect(page.getByLabel('Values are separated by')).toHaveValue(';');
  await expect(page.getByRole('region', { name: 'Preview of the first rows' })).toContainText('São Paulo');
  // The guess is shown beside the other likely encodings, on the lines where they differ.
  const compare = page.getByTestId('encoding-compare');
  await expect(compare).toContainText('José;Müller');
  await expect(compare).toContainText('JosÈ;M¸ller');
  await expect(compare.getByRole('button', { name: 'Use this one' }).first()).toBeVisible();
  await compare.getByRole('button', { name: 'Use this one' }).first().click();
  await expect(page.getByLabel('Text encoding')).not.toHaveValue('windows-1252');
  await page.getByLabel('Text encoding').selectOption('windows-1252');
  await expect(page.getByRole('region', { name: 'Preview of the first rows' })).toContainText('São Paulo');
  await app.next(page);
  await app.next(page);
  await expect(page.getByTestId('summary-invalid')).toHaveText('0');
  await app.next(page);

  const text = readFileSync(await app.download(page, 'download-import'), 'utf8');
  expect(text).not.toContain('\uFFFD');
  expect(text).toContain('José Müller');
  expect(text).toContain('Nuño Peña');
  expect(text).toContain('Søren Kierkegaard');
  expect(text).toContain('Françoise Dürr');
});

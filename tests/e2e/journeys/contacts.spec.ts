// Journey: a Salesforce Contacts export becomes customers. The admin accepts the suggestions (including the offered
// split of multi-value cells), fixes one problem inline in the review grid, downloads, and the test reads the
// downloaded files: the import file's header and rows, and the rejected rows with their reasons.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as app from '../pages/app';

const CONTACTS = app.fixture('pipeline/salesforce-contacts.csv');

test('Salesforce contacts: accept suggestions, fix a cell, download import and rejects', async ({ page }) => {
  await app.open(page);
  await page.getByTestId('entity-customers').check();
  await app.upload(page, CONTACTS);
  await expect(page.getByText('8 rows, 15 columns')).toBeVisible();
  await app.next(page);

  // Suggestions are pre-selected, with how sure we are.
  await expect(app.mappedColumn(page, 'Email')).toHaveText('Email');
  await expect(app.mappedColumn(page, 'External ID')).toHaveText('Id');
  await expect(app.mappedColumn(page, 'Full name')).toContainText('FirstName + LastName');
  await expect(app.mappedColumn(page, 'Type')).toHaveText('Type__c');
  await page.getByRole('button', { name: /Split them on the semicolon/ }).click();
  await app.next(page);

  // Review: 8 rows; Chloé's email, the empty email, the duplicate and "Astronaut" need fixing.
  await expect(page.getByTestId('summary-rows')).toHaveText('8');
  await expect(page.getByTestId('summary-invalid')).toHaveText('4');
  await expect(page.getByTestId('issue-row').first()).toContainText('Row 4');
  // The finding leads to its cell in the table.
  await page.getByTestId('issue-row').first().getByRole('button', { name: 'Row 4 · Email' }).click();
  const cell = page.getByRole('textbox', { name: 'Email, row 4' });
  await expect(cell).toBeFocused();
  await cell.fill('chloe.dubois@example.fr');
  await cell.press('Tab');
  await expect(page.getByTestId('summary-invalid')).toHaveText('3');
  await expect(page.getByTestId('summary-valid')).toHaveText('5');
  await app.next(page);
  await expect(page.getByRole('region', { name: 'The first rows of the import file' })).toContainText('Ana García');

  const importPath = await app.download(page, 'download-import');
  const bytes = readFileSync(importPath);
  expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'no BOM in the import file').toBe(false);
  const lines = bytes.toString('utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('Email,Display name,Full name,Phone,External ID,Type,Title,Region');
  expect(lines).toHaveLength(6);
  expect(lines[1]).toBe('ana.garcia@example.com,Ana García,Ana García,+34 911 234 567,0035g00000AAAA1,Customer|Partner,CTO,Europe');
  expect(lines).toContain(
    'chloe.dubois@example.fr,Chloé Dubois,Chloé Dubois,+33 1 23 45 67 89,0035g00000AAAA3,Supplier/Vendor,Buyer,Europe',
  );
  expect(lines.some((l) => l.includes('Partner|Customer') && l.startsWith('gunter.muller@'))).toBe(true);

  const rejects = readFileSync(await app.download(page, 'download-rejects'), 'utf8');
  const rejectLines = rejects.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(rejectLines[0]).toBe(
    'Id,FirstName,LastName,Email,Phone,MobilePhone,Title,Region__c,Type__c,Tier__c,Birthdate,Website__c,Score__c,Newsletter__c,Notes__c,Row in original file,Reason',
  );
  expect(rejectLines).toHaveLength(4);
  expect(rejects).toContain('“Email” is empty');
  expect(rejects).toContain('Row 2 has the same Email');
  expect(rejects).toContain('“Astronaut” is not an option of “Type”');
  expect(rejects).toContain("'=1+2"); // a formula cell is neutralised for spreadsheets
});

test('the sample file loads in one click', async ({ page }) => {
  await app.open(page);
  await page.getByRole('button', { name: 'Try the sample contacts file' }).click();
  await expect(page.getByText('“sample-contacts.csv”: 20 rows')).toBeVisible();
  await app.next(page);
  await expect(app.mappedColumn(page, 'Email')).toHaveText('Email');
});

// Journey: a Salesforce Accounts export becomes organizations. The admin maps the Type value "Supplier" to
// "Supplier/Vendor", splits multi-value segments, applies the suggested website fix to the group, fixes the last
// website by hand, and the downloaded file holds every organization with CSM's option names.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as app from '../pages/app';

test('Salesforce accounts into organizations with value mapping of Type', async ({ page }) => {
  await app.open(page);
  await page.getByTestId('entity-organizations').check();
  await app.upload(page, app.fixture('pipeline/salesforce-accounts.csv'));
  await app.next(page);

  await expect(app.mappedColumn(page, 'Organization Name')).toHaveText('Name');
  await expect(app.mappedColumn(page, 'Address')).toContainText('BillingStreet + BillingCity');
  // Value mapping of Type: suggestions for Salesforce's picklist values, one chosen by hand.
  const typeValues = page.getByRole('region', { name: 'Values of “Type”' });
  await expect(typeValues.getByLabel('Customer - Direct')).toHaveValue('Customer');
  await expect(typeValues.getByLabel('Channel Partner / Reseller')).toHaveValue('Partner');
  await typeValues.getByLabel('Supplier', { exact: true }).selectOption('Supplier/Vendor');
  await page.getByRole('button', { name: /Split them on the semicolon/ }).click();
  await app.next(page);

  await expect(page.getByTestId('summary-rows')).toHaveText('6');
  await expect(page.getByTestId('summary-invalid')).toHaveText('4');
  await page.getByRole('button', { name: 'Apply the suggested fix where we have one (1 of 2)' }).click();
  const website = page.getByRole('textbox', { name: 'Website, row 7' });
  await website.fill('https://umbrella.example.com');
  await website.press('Tab');
  await expect(page.getByTestId('summary-invalid')).toHaveText('2');
  await app.next(page);

  const text = readFileSync(await app.download(page, 'download-import'), 'utf8');
  const lines = text.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Organization Name,Type,Industry,External ID,Address,Website,Customer Segment');
  expect(lines).toHaveLength(5);
  expect(lines).toContain(
    'Globex,Partner,Technology,0015g00000BBBB2,"Hauptstraße 5, Berlin, 10115, Germany",https://globex.example.com,Mid-market',
  );
  expect(lines).toContain(
    'Umbrella Ltd,Supplier/Vendor,Pharmaceuticals,0015g00000BBBB6,"10 Downing St, London, SW1A 2AA, United Kingdom",https://umbrella.example.com,Enterprise|SMB',
  );
});

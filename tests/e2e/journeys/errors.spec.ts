// Journey: files that cannot be read get a message that says what to do, and lose nothing: the file loaded before
// stays loaded, with its mapping, and the admin can go on with it.
import { expect, test } from '@playwright/test';
import * as app from '../pages/app';

test('unreadable files are explained and the previous file is kept', async ({ page }) => {
  await app.open(page);
  await app.upload(page, app.fixture('read/contacts-utf8-bom-comma.csv'));
  await expect(page.getByText(/contacts-utf8-bom-comma\.csv”: \d+ rows/)).toBeVisible();

  const cases: [string, RegExp][] = [
    ['read/empty.csv', /The file is empty\. Export it again/],
    ['read/header-only.csv', /header row but no data rows/],
    ['read/workbook.xlsx.csv', /Excel workbook could not be opened: it may be damaged.* File › Save As › CSV UTF-8/],
  ];
  for (const [file, message] of cases) {
    await app.upload(page, app.fixture(file));
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(message);
    await expect(alert).toContainText('Your previous file “contacts-utf8-bom-comma.csv” is still loaded.');
  }
  // Nothing was lost: the previous file goes on to the mapping step.
  await app.next(page);
  await expect(app.mappedColumn(page, 'Email')).toHaveText('Email');
});

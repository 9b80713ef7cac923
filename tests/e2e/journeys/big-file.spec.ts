// Journey: a 200,000-row export, read and checked in the reading workers while the page stays usable. Progress is visible,
// "Stop reading" keeps the file loaded before, "Stop checking" keeps the admin's choices and asks to check again,
// the counts are exact, an edit is checked again in the background, the grid reads rows far into the file back
// from it (the tab keeps only a few blocks of a file this big), the downloads are written in the reading workers
// ("Stop writing" saves nothing), the .zip holds exactly the valid rows and the rejected-rows file the others. While a Stop button is to be pressed, the reading workers are held still (pages/workers.ts), so the work is
// still running when the click lands, whatever the machine's speed; the page is slowed down (Chromium's CPU
// throttling) while a read is shown under way, so it is not over before its progress is seen.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import * as app from '../pages/app';
import { hold } from '../pages/workers';

const ROWS = 200_000;

/** Row i (1-based) of the file; the spreadsheet row is i + 1. Every 1,000th email is broken (200 rows), and
 *  40 rows (i % 5000 === 7) repeat the first row's email: 240 rows are rejected. */
function bigFile(): string {
  const lines = ['Id,FirstName,LastName,Email,Phone,Title,MailingCity,Description'];
  for (let i = 1; i <= ROWS; i++) {
    let email = `person${i}@example.com`;
    if (i % 1000 === 0) email = `person${i} at example.com`;
    else if (i % 5000 === 7) email = 'person1@example.com';
    const note = i % 10_000 === 3 ? '"Met at a fair\nFollow up in May"' : 'Customer since 2019';
    lines.push(`003${String(i).padStart(15, '0')},Zoë,Müller ${i},${email},+1 415 555 ${String(i % 10_000).padStart(4, '0')},Buyer,Köln,${note}`);
  }
  return lines.join('\r\n') + '\r\n';
}

async function throttle(page: Page, rate: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

test('200,000 rows: progress, stop, exact counts, a background re-check and the split download', async ({ page }) => {
  test.setTimeout(300_000);
  const big = test.info().outputPath('contacts-200000.csv');
  writeFileSync(big, bigFile());
  const small = test.info().outputPath('three.csv');
  writeFileSync(small, 'Email,FirstName,LastName\na@example.com,Ann,One\nb@example.com,Ben,Two\nc@example.com,Cy,Three\n');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A big file is decoded and parsed in the app's reading worker (the page only collects its batches).
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(new URL(w.url()).pathname));

  await app.open(page);
  await page.getByTestId('entity-customers').check();
  await app.upload(page, small);
  await expect(page.getByText('“three.csv”: 3 rows')).toBeVisible();

  // Reading can be stopped, from the keyboard; the file loaded before stays. The workers are held still
  // meanwhile, so the read is surely under way when Stop is pressed.
  const held = await hold(page);
  await app.upload(page, big);
  const status = page.getByTestId('work-status');
  await expect(status).toBeVisible();
  await expect(status.getByTestId('progress')).toBeVisible();
  await expect(status.getByTestId('progress-text')).toContainText(/MB/);
  const stop = page.getByTestId('work-stop');
  await stop.focus();
  await page.keyboard.press('Enter');
  await expect(status).toBeHidden();
  await held.release();
  await expect(page.getByText('You stopped reading “contacts-200000.csv”. Your previous file “three.csv” is still loaded, with your choices.')).toBeVisible();
  await expect(page.getByText('“three.csv”: 3 rows')).toBeVisible();

  // Read it through, the page slowed down so that its progress is seen: the rows read so far are shown as they
  // come (the workers do the work; the page only shows how far they are), and the Stop button keeps its focus
  // meanwhile (only the text and the bar change, not the button).
  await throttle(page, 20);
  await app.upload(page, big);
  await stop.focus();
  await expect(status.getByTestId('progress-text')).toContainText(/[1-9][\d,]* rows so far/);
  await expect(stop).toBeFocused();
  await throttle(page, 1);
  await expect(page.getByText(`“contacts-200000.csv”: 200,000 rows`)).toBeVisible({ timeout: 120_000 });
  expect(workers).toContain('/worker_loader.js');

  // Another encoding reads the file again from disk, in a new worker told which encoding to use; so does going back.
  const rowsRead = page.getByText(`“contacts-200000.csv”: 200,000 rows`);
  await page.getByLabel('Text encoding').selectOption({ label: 'Windows-1252 (Western European, Excel on Windows)' });
  await expect(page.getByRole('cell', { name: 'MÃ¼ller 1', exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(rowsRead).toBeVisible();
  await page.getByLabel('Text encoding').selectOption({ label: 'UTF-8 (Unicode, the usual choice)' });
  await expect(page.getByRole('cell', { name: 'Müller 1', exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(rowsRead).toBeVisible();
  expect(workers.filter((w) => w === '/worker_loader.js').length).toBeGreaterThanOrEqual(3);

  // Checking runs in the background from here. The first check may already be over (it takes well under a second
  // on a fast machine), so a change of choice starts another one while the workers are held (and the page slowed,
  // should it check on its own: a worker held before it said it was ready is not waited for); stopping it keeps
  // the choices and asks to check again.
  await app.next(page);
  await expect(page.getByTestId('map-field').first()).toBeVisible();
  const holdCheck = await hold(page);
  await throttle(page, 20);
  await page.locator('[data-testid="map-field"][data-field="Region"] select').selectOption({ label: 'MailingCity' });
  await expect(status).toContainText('Checking every row');
  await page.getByTestId('work-stop').click();
  await throttle(page, 1);
  await expect(page.getByTestId('check-again')).toBeVisible();
  await holdCheck.release();
  await expect(app.mappedColumn(page, 'Email')).toHaveText('Email');
  await expect(app.mappedColumn(page, 'Region')).toHaveText('MailingCity');
  await page.getByTestId('check-again').click();
  await app.next(page);
  await expect(page.getByTestId('summary-rows')).toHaveText('200,000', { timeout: 120_000 });
  await expect(page.getByTestId('summary-invalid')).toHaveText('240');
  await expect(page.getByTestId('summary-valid')).toHaveText('199,760');

  // An edit is checked again in the background; the counts follow.
  await page.getByLabel('Show only rows with problems').check();
  const broken = page.getByRole('textbox', { name: 'Email, row 1001' });
  await expect(broken).toHaveValue('person1000 at example.com');
  await broken.fill('person1000@example.com');
  await broken.press('Tab');
  await expect(page.getByTestId('summary-invalid')).toHaveText('239', { timeout: 120_000 });
  await expect(status).toBeHidden({ timeout: 120_000 });
  // Those checks ran in the reading workers (they read the file again), not on the page: the app's own measure.
  const inWorkers = await page.evaluate(() => performance.getEntriesByName('check: in the reading workers').length);
  expect(inWorkers).toBeGreaterThanOrEqual(2);

  // Rows far into the file are not kept in the tab: the grid reads them back from the file to show them, to jump
  // to them and to take an edit there.
  await page.getByLabel('Show only rows with problems').uncheck();
  await page.getByLabel('Go to row').fill('150002');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Email, row 150002' })).toHaveValue('person150001@example.com');
  await expect(page.getByRole('textbox', { name: 'Email, row 150003' })).toHaveValue('person150002@example.com');
  await page.getByLabel('Show only rows with problems').check();
  await page.getByLabel('Go to row').fill('150001');
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  const far = page.getByRole('textbox', { name: 'Email, row 150001' });
  await expect(far).toHaveValue('person150000 at example.com');
  await far.fill('person150000@example.com');
  await far.press('Tab');
  await expect(page.getByTestId('summary-invalid')).toHaveText('238', { timeout: 120_000 });
  await expect(status).toBeHidden({ timeout: 120_000 });

  await app.next(page);
  // The download is written in the reading workers (they read the file again), its progress shown by the button.
  let downloads = 0;
  page.on('download', () => downloads++);
  const zipPath = await app.download(page, 'download-import');
  const exported = await page.evaluate(() => performance.getEntriesByName('export: in the reading workers').length);
  expect(exported).toBe(1);
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const names = Object.keys(files).sort();
  expect(names).toEqual([1, 2, 3, 4].map((n) => `customers-import-part-0${n}-of-04.csv`));
  const rows: string[] = [];
  for (const name of names) {
    const lines = strFromU8(files[name]).trimEnd().split('\r\n');
    expect(lines[0].split(',')[0]).toBe('Email');
    rows.push(...lines.slice(1));
  }
  expect(rows).toHaveLength(ROWS - 238);
  const emails = rows.map((r) => r.split(',')[0]);
  expect(new Set(emails).size).toBe(emails.length);
  expect(emails).toContain('person1000@example.com');
  expect(emails).toContain('person150000@example.com');
  expect(emails).not.toContain('person2000 at example.com');
  // Row i = 7 (a repeated email) is the only one rejected before i = 123.
  expect(emails[121]).toBe('person123@example.com');

  // "Stop writing", pressed while the workers that would write it again are held, saves nothing.
  const holdExport = await hold(page);
  await page.getByTestId('download-import').click();
  await expect(status).toContainText('Writing your import file');
  await expect(page.getByTestId('work-stop')).toBeFocused();
  await page.getByTestId('work-stop').press('Enter');
  await expect(status).toBeHidden();
  await expect(page.getByTestId('download-import')).toBeFocused();
  await holdExport.release();

  const rejectsPath = await app.download(page, 'download-rejects');
  expect(downloads).toBe(2);
  const rejectsInWorkers = await page.evaluate(
    () => performance.getEntriesByName('export: rejected rows in the reading workers').length,
  );
  expect(rejectsInWorkers).toBe(1);
  const rejects = readFileSync(rejectsPath, 'utf8');
  // One line per rejected row starts with its Id (a quoted note inside a row never does).
  expect(rejects.match(/^"?003\d{15}/gm)).toHaveLength(238);
  expect(rejects).toContain('person1@example.com');
  expect(errors).toEqual([]);
});

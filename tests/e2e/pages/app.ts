// Page-object helpers for the journeys. They drive the app only through its stable data-testid hooks
// (file-input, step-next, download-*, ...), never through CSS classes or texts.
import { test, type Page } from '@playwright/test';
import * as path from 'node:path';

/** Opens the app and waits (up to 20 s) until the wasm has started and rendered the file input. */
export async function open(page: Page): Promise<void> {
  await page.goto('./');
  await page.getByTestId('file-input').waitFor({ state: 'attached', timeout: 20_000 });
}

/** Chooses one or more local files in the file input (data-testid="file-input"). */
export async function upload(page: Page, filePath: string | string[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(filePath);
}

/** Moves the wizard one step forward (data-testid="step-next"). */
export async function next(page: Page): Promise<void> {
  await page.getByTestId('step-next').click();
}

/** Clicks the download control with the given data-testid and returns the path of the saved file. */
export async function download(page: Page, testid: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const target = test.info().outputPath('downloads', file.suggestedFilename());
  await file.saveAs(target);
  return target;
}

/** The path of a shared fixture under tests/domain/fixtures (the native golden suite uses the same files). */
export function fixture(relative: string): string {
  return path.resolve(__dirname, '..', '..', 'domain', 'fixtures', relative);
}

/** The selected option of a mapping row's column <select> (data-testid="map-field", data-field="<CSM field>"). */
export function mappedColumn(page: Page, field: string) {
  return page.locator(`[data-testid="map-field"][data-field="${field}"] select option:checked`);
}

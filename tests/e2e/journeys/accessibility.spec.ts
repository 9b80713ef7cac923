// Journey: every step passes an axe-core audit (WCAG 2.1 A/AA rules: labels, contrast, landmarks, names), and the
// whole path can be walked with the keyboard alone, with the focus visible and moved to each new step.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import * as app from '../pages/app';

async function audit(page: Page, step: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const problems = result.violations.map((v) => `${step}: ${v.id} (${v.impact}) on ${v.nodes.length} element(s): ${v.help}`);
  expect(problems, `axe-core violations on the ${step} step`).toEqual([]);
}

test('every step passes an accessibility audit', async ({ page }) => {
  await app.open(page);
  await audit(page, 'upload (empty)');
  await app.upload(page, app.fixture('pipeline/salesforce-contacts.csv'));
  await expect(page.getByText('8 rows, 15 columns')).toBeVisible();
  await audit(page, 'upload (loaded)');
  await app.next(page);
  await audit(page, 'map');
  await app.next(page);
  await audit(page, 'review');
  await app.next(page);
  await audit(page, 'download');
  await app.next(page);
  await audit(page, 'import via API (not connected)');
  await page.getByTestId('api-test-connection').click();
  await expect(page.getByTestId('api-error')).toBeVisible();
  await audit(page, 'import via API (form error)');
});

/** Presses Tab until the focused element's accessible text matches, failing after `limit` presses. */
async function tabTo(page: Page, text: RegExp, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (text.test(focused)) return;
  }
  throw new Error(`no element matching ${text} within ${limit} Tab presses`);
}

test('the keyboard alone loads the sample, moves through the steps and shows where the focus is', async ({ page }) => {
  await app.open(page);
  await tabTo(page, /Try the sample contacts file/);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline, 'focused control has a visible outline').not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByText('“sample-contacts.csv”: 20 rows')).toBeVisible();
  await tabTo(page, /Next: Match columns/, 200);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Match your columns to CSM fields');
  await expect(page.locator('#main')).toBeFocused();
  await tabTo(page, /Next: Fix problems/, 300);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('summary-rows')).toHaveText('20');
});

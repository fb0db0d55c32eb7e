import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { hydrated, sandboxId, signIn } from './support';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const theme of ['light', 'dark'] as const) {
  test(`the sign-in page has no serious accessibility problems (${theme})`, async ({ page }) => {
    await page.goto(`/login?theme=${theme}`);
    await hydrated(page);
    expect(await seriousViolations(page)).toEqual([]);

    // Also with an error on show.
    await page.getByTestId('login-username').fill('someone');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test(`the home page has no serious accessibility problems (${theme})`, async ({ page }) => {
    await signIn(page);
    await page.goto(`/?theme=${theme}`);
    await hydrated(page);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('the log viewer and the audit log have no serious accessibility problems', async ({ page }) => {
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/logs/deployments/shop/frontend`);
  await hydrated(page);
  await expect(page.getByTestId('log-line').first()).toBeVisible({ timeout: 15_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto('/audit');
  await hydrated(page);
  await expect(page.getByTestId('audit-table')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

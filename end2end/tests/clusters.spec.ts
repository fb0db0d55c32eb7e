import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

// The run command registers the sandbox cluster as the default, so a newcomer sees it at once.
test('the default sandbox cluster is listed healthy and can be synced', async ({ page }) => {
  await signIn(page, '/clusters');
  await page.goto('/clusters');
  await hydrated(page);
  const row = page.getByTestId('cluster-row-sandbox');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('cluster-status')).toHaveAttribute('data-status', 'healthy', { timeout: 15_000 });
  await expect(row.getByTestId('cluster-nodes')).toHaveText(/^\d+\/\d+$/);

  await row.getByTestId('cluster-sync').click();
  await expect(row.getByTestId('cluster-sync')).toBeEnabled({ timeout: 15_000 });
  await expect(row.getByTestId('cluster-status')).toHaveAttribute('data-status', 'healthy');
});

test('the header switcher shows the current cluster and leads to its overview', async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId('cluster-switcher-current')).toHaveText('sandbox');
  await page.goto('/clusters');
  await hydrated(page);
  await page.getByTestId('cluster-row-sandbox').getByTestId('cluster-link').click();
  await expect(page).toHaveURL(/\/clusters\/[^/]+$/);
  await expect(page.getByTestId('cluster-overview-name')).toHaveText('sandbox');
  await expect(page.getByTestId('cluster-node').first()).toBeVisible();
  await expect(page.getByTestId('cluster-nodes-ready')).toContainText('ready');
  await expect(page.getByTestId('cluster-capacity')).toBeVisible();
});

test('the cluster list has no serious accessibility problems', async ({ page }) => {
  await signIn(page, '/clusters');
  await page.goto('/clusters');
  await hydrated(page);
  await expect(page.getByTestId('cluster-row-sandbox')).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
});

test('an operator creates an API token, sees it once, and revokes it', async ({ page }, testInfo) => {
  const name = `e2e token ${testInfo.project.name} ${Date.now()}`;
  await signIn(page, '/tokens');
  await page.goto('/tokens');
  await hydrated(page);
  await page.getByTestId('token-name').fill(name);
  await page.getByTestId('token-create').click();
  await expect(page.getByTestId('token-created')).toBeVisible();
  await expect(page.getByTestId('token-value')).toHaveText(/\S{16,}/);
  const row = page.getByTestId(`token-row-${name}`);
  await expect(row.getByTestId('token-state')).toHaveText('Active');

  // Shown once: after a reload only the prefix is left.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('token-created')).toHaveCount(0);
  await expect(row).toBeVisible();

  await row.getByTestId('token-revoke').click();
  await expect(row.getByTestId('token-state')).toHaveText('Revoked');
});

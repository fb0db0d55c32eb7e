import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type ExtraSandbox } from './sandboxes';
import { hydrated, signIn } from './support';

let sandbox: ExtraSandbox | undefined;
test.afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/** The status a cluster's row shows, reloading the list until it says `status`. */
async function expectRowStatus(page: Page, name: string, status: string, timeout: number) {
  await expect
    .poll(
      async () => {
        await page.goto('/clusters');
        await hydrated(page);
        return page.getByTestId(`cluster-row-${name}`).getByTestId('cluster-status').getAttribute('data-status');
      },
      { timeout, intervals: [1_000, 2_000] },
    )
    .toBe(status);
}

// Issue 5's story: import a second cluster from its kubeconfig, see it healthy, switch to it,
// make it read-only, stop it and see it turn unavailable within a health cycle, delete it.
test('an operator imports a second cluster, switches to it, sees it go down and deletes it', async ({ page }, info) => {
  test.setTimeout(120_000);
  sandbox = await startSandbox();
  const name = `second-${info.project.name}-${Date.now().toString(36)}`;

  await signIn(page, '/clusters');
  await page.goto('/clusters');
  await hydrated(page);
  await page.getByTestId('cluster-import-link').click();
  await expect(page).toHaveURL(/\/clusters\/import$/);
  await hydrated(page);

  await page.getByTestId('import-kubeconfig').fill(sandbox.kubeconfig);
  await page.getByTestId('import-read-contexts').click();
  const context = page.getByTestId('import-context-capstan-sandbox');
  await expect(context).toBeVisible();
  // The only (and current) context is chosen at once, with a name made from it.
  await expect(context.getByTestId('import-context-choose')).toBeChecked();
  await expect(page.getByTestId('ctx-0-name')).toHaveValue('capstan-sandbox');
  await page.getByTestId('ctx-0-name').fill(name);
  await page.getByTestId('ctx-0-description').fill('imported by the e2e story');

  await page.getByTestId('ctx-0-test').click();
  const result = page.getByTestId('ctx-0-test-result').locator('.test-result');
  await expect(result).toHaveAttribute('data-outcome', 'ok', { timeout: 15_000 });
  await expect(result).toContainText('v1.');

  await page.getByTestId('import-submit').click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const id = page.url().split('/').pop()!;
  await expect(page.getByTestId('cluster-overview-name')).toHaveText(name);
  // Visiting its page made it the current cluster in the header.
  await expect(page.getByTestId('cluster-switcher-current')).toHaveText(name);

  await expectRowStatus(page, name, 'healthy', 20_000);

  // Switching keeps the kind of page: from this cluster's settings to the sandbox's settings and back.
  await page.goto(`/clusters/${id}/settings`);
  await hydrated(page);
  await expect(page.getByTestId('settings-cluster-name')).toHaveText(name);
  await page.getByTestId('cluster-switcher').locator('summary').click();
  await page.getByTestId('cluster-switch-sandbox').click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}\/settings$/);
  await expect(page.getByTestId('settings-cluster-name')).toHaveText('sandbox');
  await page.getByTestId('cluster-switcher').locator('summary').click();
  await page.getByTestId(`cluster-switch-${name}`).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/settings$`));
  await expect(page.getByTestId('settings-cluster-name')).toHaveText(name);
  await hydrated(page);

  // Read-only and production: saved, and shown in the list and the banner.
  await page.getByTestId('settings-read-only').check();
  await page.getByTestId('settings-environment').selectOption('production');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await expect(page.getByTestId('env-banner')).toContainText(name);
  await page.goto('/clusters');
  await hydrated(page);
  await expect(page.getByTestId(`cluster-row-${name}`).getByTestId('cluster-read-only')).toBeVisible();

  // The cluster goes away: within a health cycle (5 s in the test server) it says so,
  // and the default cluster stays healthy.
  await sandbox.stop();
  await expectRowStatus(page, name, 'unavailable', 40_000);
  await expect(page.getByTestId('cluster-row-sandbox').getByTestId('cluster-status')).toHaveAttribute(
    'data-status',
    'healthy',
  );
  await page.goto(`/clusters/${id}`);
  await expect(page.getByTestId('cluster-unavailable')).toBeVisible();

  // Delete asks for the name; a wrong name keeps the button disabled.
  await page.goto(`/clusters/${id}/settings`);
  await hydrated(page);
  await page.getByTestId('delete-confirm').fill('not-the-name');
  await expect(page.getByTestId('delete-cluster')).toBeDisabled();
  await page.getByTestId('delete-confirm').fill(name);
  await page.getByTestId('delete-cluster').click();
  await expect(page).toHaveURL(/\/clusters$/, { timeout: 15_000 });
  await hydrated(page);
  await expect(page.getByTestId('cluster-row-sandbox')).toBeVisible();
  await expect(page.getByTestId(`cluster-row-${name}`)).toHaveCount(0);
});

test('a kubeconfig that is not YAML is refused with the reason, keeping the text', async ({ page }) => {
  await signIn(page, '/clusters/import');
  await page.goto('/clusters/import');
  await hydrated(page);
  const text = 'apiVersion: v1\nclusters: [unclosed';
  await page.getByTestId('import-kubeconfig').fill(text);
  await page.getByTestId('import-read-contexts').click();
  await expect(page.getByTestId('import-kubeconfig-error')).toBeVisible();
  await expect(page.getByTestId('import-kubeconfig-error')).not.toBeEmpty();
  await expect(page.getByTestId('import-kubeconfig')).toHaveValue(text);
});

test('a server URL and token are tested before saving, and a refused connection says why', async ({ page }) => {
  await signIn(page, '/clusters/import');
  await page.goto('/clusters/import');
  await hydrated(page);
  await page.getByTestId('import-mode-token').check({ force: true });
  // Port 9 on loopback: nothing listens there, so the connection is refused.
  await page.getByTestId('import-server').fill('https://127.0.0.1:9');
  await page.getByTestId('import-token').fill('not-a-real-token');
  await page.getByTestId('import-test').click();
  const result = page.getByTestId('import-test-result').locator('.test-result');
  await expect(result).toHaveAttribute('data-outcome', 'failed', { timeout: 15_000 });
  await expect(result).toHaveAttribute('data-kind', 'refused');

  // Saving with an invalid name names the field and keeps everything typed.
  await page.getByTestId('import-name').fill('Not A Valid Name');
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-name-error')).toBeVisible();
  await expect(page.getByTestId('import-server')).toHaveValue('https://127.0.0.1:9');
  await expect(page.getByTestId('import-token')).toHaveValue('not-a-real-token');
});

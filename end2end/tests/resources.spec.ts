import { expect, test, type Page } from '@playwright/test';
import { hydrated, isPhone, signIn } from './support';

/** The sandbox cluster's id, read from its row in the cluster list. */
async function sandboxId(page: Page): Promise<string> {
  await page.goto('/clusters');
  await hydrated(page);
  const id = await page.getByTestId('cluster-row-sandbox').getAttribute('data-cluster-id');
  expect(id).toBeTruthy();
  return id!;
}

test('the sidebar lists the kinds the cluster serves and leads to a pod list like kubectl get', async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  if (isPhone(page)) await page.getByTestId('nav-toggle').click();
  await expect(page.getByTestId('nav-group-Workloads')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('nav-kind-deployments.apps')).toBeVisible();
  await expect(page.getByTestId('nav-kind-configmaps')).toBeVisible();
  await page.getByTestId('nav-kind-pods').click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/resources/pods$`));
  await expect(page.getByTestId('resource-title')).toHaveText('Pods');
  const table = page.getByTestId('resource-table');
  await expect(table).toBeVisible();
  // kubectl's pod columns.
  for (const col of ['name', 'namespace', 'ready', 'status', 'restarts', 'age']) {
    await expect(page.getByTestId(`sort-${col}`)).toHaveCount(1);
  }
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('resource-count')).toContainText(/of \d+/);
});

test('filters, namespaces, label selectors, sorting and paging live in the address', async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/pods`);
  await hydrated(page);
  await page.getByTestId('filter-namespaces').fill('kube-system');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/ns=kube-system/);
  const rows = page.getByTestId('resource-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const ns of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-namespace')))) {
    expect(ns).toBe('kube-system');
  }

  // A deep link with a sort and a page size, opened directly (server-rendered).
  await page.goto(`/clusters/${id}/resources/pods?sort=name&desc=1&size=25`);
  await hydrated(page);
  const names = await page
    .getByTestId('resource-table')
    .locator('tbody td[data-col="name"]')
    .allTextContents();
  expect(names.length).toBeGreaterThan(1);
  expect([...names].sort().reverse()).toEqual(names);
  await expect(page.getByTestId('sort-name')).toContainText('↓');

  // An invalid label selector names the field and keeps what was typed.
  await page.getByTestId('filter-labels').fill('app in (web');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('filter-labels-error')).toBeVisible();
  await expect(page.getByTestId('filter-labels')).toHaveValue('app in (web');

  // A text filter that matches nothing says so.
  await page.goto(`/clusters/${id}/resources/pods?q=no-such-pod-anywhere`);
  await expect(page.getByTestId('resource-empty')).toBeVisible();
});

test('secrets list their type and key count, never their values', async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  const response = await page.request.post('/api/resources/list', {
    data: { cluster: id, kind: 'secrets', query: {} },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.rows.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/"data"\s*:/);
  const unknown = await page.request.post('/api/resources/list', {
    data: { cluster: id, kind: 'no-such-kinds', query: {} },
  });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).code).toBe('resource.kind_unknown');
});

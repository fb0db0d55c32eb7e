import { expect, test } from '@playwright/test';
import { hydrated, isPhone, kubectl, sandboxId, signIn } from './support';

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
  // Several namespaces at once, picked from the cluster's namespaces.
  await page.getByTestId('ns-summary').click();
  await page.getByTestId('ns-search').fill('s');
  await page.getByTestId('ns-option-kube-system').check();
  await page.getByTestId('ns-option-shop').check();
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/ns=kube-system&ns=shop|ns=shop&ns=kube-system/);
  await expect(page.getByTestId('ns-summary')).toHaveText('kube-system, shop');
  const rows = page.getByTestId('resource-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const seen = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-namespace'))));
  expect([...seen].sort()).toEqual(['kube-system', 'shop']);

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

test('rows follow the cluster live: added, changed and removed without a reload', async ({ page }, testInfo) => {
  const name = `live-${testInfo.project.name}`;
  kubectl(['delete', 'configmap', name, '-n', 'default', '--ignore-not-found']);
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/configmaps?q=${name}`);
  await hydrated(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('resource-empty')).toBeVisible();
  // A marker on the window proves that nothing below reloads the page.
  await page.evaluate(() => ((window as unknown as { liveMarker: boolean }).liveMarker = true));
  try {
    kubectl(['create', 'configmap', name, '-n', 'default', '--from-literal=a=1']);
    const row = page.getByTestId(`resource-row-${name}`);
    await expect(row).toBeVisible({ timeout: 5_000 });
    await expect(row.locator('td[data-col="data"]')).toHaveText('1');
    await expect(page.getByTestId('resource-count')).toContainText('of 1');
    // A row new to the page flashes.
    await expect(row).toHaveClass(/(^|\s)row-fresh(\s|$)/);
    // Its age moves on by itself while nothing changes (the list's clock ticks every 10 s).
    const age = row.locator('td[data-col="age"]');
    const firstAge = (await age.textContent())?.trim() ?? '';
    await expect(age).not.toHaveText(firstAge, { timeout: 15_000 });

    // A change redraws the row in place: the same element, its flash restarted each time.
    await row.evaluate((el) => ((el as unknown as { sameRow: boolean }).sameRow = true));
    kubectl(['patch', 'configmap', name, '-n', 'default', '-p', '{"data":{"a":"1","b":"2"}}']);
    await expect(row.locator('td[data-col="data"]')).toHaveText('2', { timeout: 5_000 });
    await expect(row).toHaveClass(/(^|\s)row-fresh-again(\s|$)/);
    kubectl(['patch', 'configmap', name, '-n', 'default', '-p', '{"data":{"c":"3"}}']);
    await expect(row.locator('td[data-col="data"]')).toHaveText('3', { timeout: 5_000 });
    await expect(row).toHaveClass(/(^|\s)row-fresh(\s|$)/);
    expect(await row.evaluate((el) => (el as unknown as { sameRow?: boolean }).sameRow)).toBe(true);

    kubectl(['delete', 'configmap', name, '-n', 'default']);
    await expect(row).toHaveCount(0, { timeout: 5_000 });
    await expect(page.getByTestId('resource-empty')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: boolean }).liveMarker)).toBe(true);
  } finally {
    kubectl(['delete', 'configmap', name, '-n', 'default', '--ignore-not-found']);
  }
});

test('scaling a deployment with kubectl changes the open pod list without a reload', async ({ page }, testInfo) => {
  const name = `scale-${testInfo.project.name}`;
  kubectl(['create', 'deployment', name, '-n', 'default', '--image=nginx:1.27', '--replicas=1']);
  try {
    await signIn(page, '/clusters');
    const id = await sandboxId(page);
    await page.goto(`/clusters/${id}/resources/pods?ns=default&l=app%3D${name}`);
    await hydrated(page);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
    const rows = page.locator(`tr[data-testid^="resource-row-${name}-"]`);
    await expect(rows).toHaveCount(1, { timeout: 10_000 });
    await page.evaluate(() => ((window as unknown as { liveMarker: boolean }).liveMarker = true));

    kubectl(['scale', 'deployment', name, '-n', 'default', '--replicas=3']);
    await expect(rows).toHaveCount(3, { timeout: 10_000 });
    await expect(page.getByTestId('resource-count')).toContainText('of 3');
    // The new pods reach Running in place, still without a reload.
    await expect(rows.locator('td[data-col="status"]').filter({ hasText: 'Running' })).toHaveCount(3, { timeout: 15_000 });

    kubectl(['scale', 'deployment', name, '-n', 'default', '--replicas=1']);
    await expect(rows).toHaveCount(1, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: boolean }).liveMarker)).toBe(true);
  } finally {
    kubectl(['delete', 'deployment', name, '-n', 'default', '--ignore-not-found']);
  }
});

test('a long page draws only the rows near the viewport and reaches its last row by scrolling', async ({ page }, testInfo) => {
  const ns = `virtual-${testInfo.project.name}`;
  const items = Array.from({ length: 150 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `row-${String(i).padStart(3, '0')}`, namespace: ns },
    data: { i: String(i) },
  }));
  kubectl(['create', 'namespace', ns]);
  try {
    // One call, as a multi-document stream (a v1 List would need /openapi/v2, which the
    // sandbox does not serve yet).
    kubectl(['create', '-f', '-'], items.map((item) => JSON.stringify(item)).join('\n---\n'));
    await signIn(page, '/clusters');
    const id = await sandboxId(page);
    await page.goto(`/clusters/${id}/resources/configmaps?ns=${ns}&size=500&sort=name`);
    await hydrated(page);
    await expect(page.getByTestId('resource-count')).toContainText('of 150');
    const drawn = page.locator('[data-testid=resource-table] tbody tr[data-uid]');
    await expect.poll(() => drawn.count()).toBeLessThan(100);
    await expect(page.getByTestId('resource-row-row-149')).toHaveCount(0);

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(page.getByTestId('resource-row-row-149')).toBeInViewport();
    await expect(page.getByTestId('resource-row-row-000')).toHaveCount(0);
  } finally {
    kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
  }
});

import { expect, test } from '@playwright/test';
import { hydrated, sandboxId, signIn } from './support';

/** The shop demo's database password, seeded in Secret shop/postgres-credentials. */
const DEMO_PASSWORD = 's3cr3t-sandbox';
const DEMO_PASSWORD_BASE64 = 'czNjcjN0LXNhbmRib3g=';

test('a pod opened from the list shows its containers, events and owners up to the deployment', async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/pods?ns=shop&q=frontend`);
  await hydrated(page);
  const link = page.getByTestId('resource-table').getByTestId('object-link').first();
  await expect(link).toBeVisible({ timeout: 15_000 });
  const podName = (await link.textContent())!.trim();
  expect(podName).toMatch(/^frontend-/);
  await link.click();

  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/resources/pods/shop/${podName}$`));
  await expect(page.getByTestId('detail-name')).toHaveText(podName);
  await expect(page.getByTestId('detail-kind')).toHaveText('Pod');
  await expect(page.getByTestId('detail-namespace')).toHaveText('shop');
  await expect(page.getByTestId('detail-status')).toContainText('Running');
  const container = page.getByTestId('container-frontend');
  await expect(container).toBeVisible();
  await expect(container.getByTestId('container-image')).toHaveText('nginx:1.27');
  await expect(container.getByTestId('container-state')).toContainText('Running');
  await expect(page.getByTestId('fact-node').locator('a')).toHaveAttribute('href', new RegExp(`/resources/nodes/-/sandbox-`));
  await expect(page.getByTestId('detail-yaml')).toHaveAttribute('href', `/clusters/${id}/resources/pods/shop/${podName}/yaml`);

  // The events about the pod: the scheduler placed it, the kubelet started it.
  const events = page.getByTestId('detail-events');
  await expect(events.locator('[data-testid="event-row"][data-reason="Scheduled"]')).toHaveCount(1);
  await expect(events.getByTestId('event-row').first()).toBeVisible();

  // Pod → ReplicaSet → Deployment, by the owner links.
  const toReplicaSet = page.getByTestId('detail-owners').getByTestId('owner-link');
  await expect(toReplicaSet).toHaveAttribute('data-kind', 'replicasets.apps');
  await toReplicaSet.click();
  await expect(page).toHaveURL(/\/resources\/replicasets\.apps\/shop\/frontend-/);
  await expect(page.getByTestId('detail-kind')).toHaveText('ReplicaSet');
  await expect(page.getByTestId(`related-${podName}`)).toBeVisible();
  const toDeployment = page.getByTestId('detail-owners').getByTestId('owner-link');
  await expect(toDeployment).toHaveAttribute('data-kind', 'deployments.apps');
  await toDeployment.click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/resources/deployments\\.apps/shop/frontend$`));
  await expect(page.getByTestId('fact-replicas_desired')).toContainText('3');
  await expect(page.getByTestId('detail-related-replicasets.apps').getByTestId('related-link')).toHaveCount(1);
  await expect(page.getByTestId('detail-related-pods').getByTestId('related-link')).toHaveCount(3);
});

test("a Secret's value appears only after Show and never in the page's HTML", async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  const url = `/clusters/${id}/resources/secrets/shop/postgres-credentials`;

  // Neither the server-rendered HTML nor the detail payload holds the value.
  const html = await (await page.request.get(url)).text();
  expect(html).toContain('postgres-credentials');
  expect(html).not.toContain(DEMO_PASSWORD);
  expect(html).not.toContain(DEMO_PASSWORD_BASE64);
  const payload = await page.request.post('/api/resources/detail', {
    data: { cluster: id, object: { kind: 'secrets', namespace: 'shop', name: 'postgres-credentials' } },
  });
  expect(payload.status()).toBe(200);
  const body = await payload.text();
  expect(body).toContain('"password"');
  expect(body).not.toContain(DEMO_PASSWORD);
  expect(body).not.toContain(DEMO_PASSWORD_BASE64);

  await page.goto(url);
  await hydrated(page);
  const row = page.getByTestId('secret-row-password');
  await expect(row).toContainText(`${DEMO_PASSWORD.length} bytes`);
  await expect(page.getByTestId('secret-value-password')).toHaveCount(0);
  expect(await page.content()).not.toContain(DEMO_PASSWORD);

  await page.getByTestId('secret-show-password').click();
  await expect(page.getByTestId('secret-value-password')).toHaveText(DEMO_PASSWORD);
  // One key at a time: the other stays hidden.
  await expect(page.getByTestId('secret-value-username')).toHaveCount(0);
  await page.getByTestId('secret-hide-password').click();
  await expect(page.getByTestId('secret-value-password')).toHaveCount(0);
  expect(await page.content()).not.toContain(DEMO_PASSWORD);
});

test('an object that is gone says so and leads back to its list', async ({ page }) => {
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/pods/shop/deleted-meanwhile`);
  await hydrated(page);
  const error = page.getByTestId('detail-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', 'resource.not_found');
  await expect(error).toContainText('deleted-meanwhile');
  await page.getByTestId('detail-back').click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/resources/pods$`));
});

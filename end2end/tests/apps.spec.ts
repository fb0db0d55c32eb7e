import { expect, test } from '@playwright/test';
import { hydrated, kubectl, sandboxId, signIn } from './support';

// The nginx story of the source document through the app form, on desktop and phone: create
// nginx with port 80 exposed, a ConfigMap mounted and limits set → running → stop → start →
// restart → delete, and nothing left behind. Each project uses its own names.

test('the nginx story: create from the form, stop, start, restart, delete', async ({ page }, info) => {
  const name = `nginx-${info.project.name}-${Date.now().toString(36)}`;
  const conf = `${name}-conf`;
  kubectl(['create', 'configmap', conf, '-n', 'default', '--from-literal=default.conf=server { listen 80; }']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/apps/new`);
  await hydrated(page);

  // Wrong values are named next to their fields once submitted, and fixed as the user types.
  await page.getByTestId('app-name').fill('Bad Name');
  await page.getByTestId('app-image').fill('nginx 1.27');
  await page.getByTestId('app-submit').click();
  await expect(page.getByTestId('app-form-alert')).toBeVisible();
  await expect(page.getByTestId('app-name-error')).toBeVisible();
  await expect(page.getByTestId('app-image-error')).toBeVisible();
  await page.getByTestId('app-name').fill(name);
  await page.getByTestId('app-image').fill('nginx:1.27');
  await expect(page.getByTestId('app-name-error')).toBeHidden();

  await page.getByTestId('port-add').click();
  await page.getByTestId('port-container').fill('80');
  await page.getByTestId('expose-cluster-ip').check();
  await page.getByTestId('volume-add').click();
  await page.getByTestId('volume-path').fill('/etc/nginx/conf.d');
  await page.getByTestId('volume-kind').selectOption('configmap');
  await page.getByTestId('volume-source').fill(conf);
  await page.getByTestId('volume-read-only').check();
  await page.getByTestId('app-cpu-request').fill('100m');
  await page.getByTestId('app-cpu-limit').fill('50m');
  await expect(page.getByTestId('app-cpu-limit-error')).toContainText('below the request');
  await page.getByTestId('app-cpu-limit').fill('500m');
  await page.getByTestId('app-memory-limit').fill('256Mi');
  await expect(page.getByTestId('app-preview')).toContainText('kind: Service');
  await expect(page.getByTestId('app-preview')).toContainText(`name: ${conf}`);
  await page.getByTestId('app-submit').click();

  await page.waitForURL(`**/clusters/${id}/apps`, { timeout: 60_000 });
  const row = page.getByTestId(`app-row-${name}`);
  await expect(row).toHaveAttribute('data-ready', '1', { timeout: 20_000 });
  expect(kubectl(['get', 'deployment', name, '-n', 'default', '-o', 'jsonpath={.spec.template.spec.containers[0].resources.limits.cpu}'])).toBe('500m');
  expect(kubectl(['get', 'service', name, '-n', 'default', '-o', 'jsonpath={.spec.ports[0].port}'])).toBe('80');

  await row.getByTestId('app-stop').click();
  await expect(page.getByTestId('app-action-result')).toContainText('stopped');
  await expect(page.getByTestId(`app-row-${name}`)).toHaveAttribute('data-desired', '0');
  await page.getByTestId(`app-row-${name}`).getByTestId('app-start').click();
  await expect(page.getByTestId('app-action-result')).toContainText('started with 1');
  await expect(page.getByTestId(`app-row-${name}`)).toHaveAttribute('data-desired', '1');
  await page.getByTestId(`app-row-${name}`).getByTestId('app-restart').click();
  await expect(page.getByTestId('app-action-result')).toContainText('restarting');

  await page.getByTestId(`app-row-${name}`).getByTestId('app-delete').click();
  await page.getByTestId('app-delete-submit').click();
  await expect(page.getByTestId('app-action-result')).toContainText(`Service ${name}`);
  await expect(page.getByTestId(`app-row-${name}`)).toHaveCount(0);
  await expect
    .poll(() => kubectl(['get', 'deployments,services,pods', '-n', 'default', '-l', `capstan.io/app=${name}`, '-o', 'name']), {
      timeout: 30_000,
    })
    .toBe('');
  // The ConfigMap was the user's own: it stays.
  expect(kubectl(['get', 'configmap', conf, '-n', 'default', '-o', 'name'])).toContain(conf);
  kubectl(['delete', 'configmap', conf, '-n', 'default']);
});

test('the form can hand its YAML to the create page', async ({ page }, info) => {
  const name = `yaml-${info.project.name}-${Date.now().toString(36)}`;
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/apps/new`);
  await hydrated(page);
  await page.getByTestId('app-name').fill(name);
  await page.getByTestId('app-image').fill('redis:7');
  await expect(page.getByTestId('app-preview')).toContainText(`name: ${name}`);
  await page.getByTestId('app-edit-yaml').click();
  await page.waitForURL(/\/create\?from=app/);
  await hydrated(page);
  await expect(page.getByTestId('create-editor').locator('textarea').first()).toHaveValue(new RegExp(`name: ${name}`));
});

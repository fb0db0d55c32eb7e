import { expect, test, type TestInfo } from '@playwright/test';
import { hydrated, kubectl, sandboxId, signIn } from './support';

// Day-to-day operations from the detail pages against the embedded sandbox, each effect read
// back with kubectl: scale, restart, images, revisions with a diff and rollback; a node's
// cordon, labels and taints, and a drain; a CronJob run now and suspended. Objects are named
// after the project that runs the story, so desktop and phone runs never meet.

function unique(prefix: string, info: TestInfo): string {
  return `${prefix}-${info.project.name}-${Date.now().toString(36)}`;
}

function jsonpath(args: string[], path: string): string {
  return kubectl([...args, '-o', `jsonpath=${path}`]);
}

test('scale, set an image, read the revisions and roll back from a deployment page', async ({ page }, info) => {
  const name = unique('ops', info);
  kubectl(['create', 'deployment', name, '--image=nginx:1.25', '-n', 'default']);
  kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=60s']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/deployments.apps/default/${name}`);
  await hydrated(page);
  const panel = page.getByTestId('workload-controls');
  await expect(panel.getByTestId('ops-counts')).toHaveAttribute('data-desired', '1');

  // Scale with the + button and the number field: the counts follow the pods.
  await panel.getByTestId('scale-plus').click();
  await panel.getByTestId('scale-plus').click();
  await expect(panel.getByTestId('scale-input')).toHaveValue('3');
  await panel.getByTestId('scale-submit').click();
  await expect(panel.getByTestId('ops-result')).toContainText('scaled from 1 to 3');
  expect(jsonpath(['get', 'deployment', name, '-n', 'default'], '{.spec.replicas}')).toBe('3');
  await expect(panel.getByTestId('ops-counts')).toHaveAttribute('data-ready', '3', { timeout: 20_000 });

  // A bad number is refused next to the field; nothing is sent.
  await panel.getByTestId('scale-input').fill('-2');
  await panel.getByTestId('scale-submit').click();
  await expect(panel.getByTestId('ops-error')).toBeVisible();
  expect(jsonpath(['get', 'deployment', name, '-n', 'default'], '{.spec.replicas}')).toBe('3');

  // A new image makes revision 2; an invalid one is refused with the field's reason.
  const image = panel.locator('[data-testid="image-row"][data-container="nginx"]');
  await image.getByTestId('image-input').fill('Nginx latest');
  await image.getByTestId('image-submit').click();
  await expect(panel.getByTestId('ops-error')).toContainText('not an image reference');
  await image.getByTestId('image-input').fill('nginx:1.27');
  await image.getByTestId('image-submit').click();
  await expect(panel.getByTestId('ops-result')).toContainText('now runs nginx:1.27');
  kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=60s']);

  // History lists both revisions; rolling back shows the diff first, then restores 1.25.
  const history = page.getByTestId('history');
  await expect(history.getByTestId('history-row')).toHaveCount(2, { timeout: 15_000 });
  await expect(history.locator('[data-testid="history-row"][data-current="true"]')).toHaveAttribute('data-revision', '2');
  await history.locator('[data-testid="history-row"][data-revision="1"]').getByTestId('rollback-open').click();
  const review = page.getByTestId('rollback-review');
  await expect(review.getByTestId('rollback-diff')).toBeVisible();
  await expect(review.getByTestId('rollback-diff').locator('textarea[data-side="modified"]')).toHaveValue(/nginx:1\.25/);
  await review.getByTestId('rollback-confirm').click();
  await expect(page.getByTestId('ops-result')).toContainText('rolled back');
  await expect
    .poll(() => jsonpath(['get', 'deployment', name, '-n', 'default'], '{.spec.template.spec.containers[0].image}'))
    .toBe('nginx:1.25');
  await expect(history.locator('[data-testid="history-row"][data-current="true"]')).toHaveAttribute('data-revision', '3', {
    timeout: 15_000,
  });

  // Restart asks first, then stamps the template as kubectl rollout restart does.
  await panel.getByTestId('restart-open').click();
  await panel.getByTestId('restart-confirm').click();
  await expect(panel.getByTestId('ops-result')).toContainText('restarting');
  expect(
    jsonpath(['get', 'deployment', name, '-n', 'default'], '{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}'),
  ).not.toBe('');

  // Pause, and resume.
  await panel.getByTestId('pause-toggle').click();
  await expect(panel.getByTestId('ops-result')).toContainText('paused');
  expect(jsonpath(['get', 'deployment', name, '-n', 'default'], '{.spec.paused}')).toBe('true');
  await panel.getByTestId('pause-toggle').click();
  await expect(panel.getByTestId('ops-result')).toContainText('resumed');
  kubectl(['delete', 'deployment', name, '-n', 'default', '--wait=false']);
});

test('a statefulset lists its revisions and rolls back from its page', async ({ page }, info) => {
  const name = unique('sts', info);
  kubectl(['apply', '-f', '-'], `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}, namespace: default}
spec:
  serviceName: ${name}
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: web, image: 'nginx:1.25'}]}
`);
  kubectl(['rollout', 'status', `statefulset/${name}`, '-n', 'default', '--timeout=60s']);
  kubectl(['set', 'image', `statefulset/${name}`, 'web=nginx:1.27', '-n', 'default']);
  kubectl(['rollout', 'status', `statefulset/${name}`, '-n', 'default', '--timeout=60s']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/statefulsets.apps/default/${name}`);
  await hydrated(page);
  const history = page.getByTestId('history');
  await expect(history.getByTestId('history-row')).toHaveCount(2, { timeout: 15_000 });
  await expect(history.locator('[data-testid="history-row"][data-current="true"]')).toHaveAttribute('data-revision', '2');
  await history.locator('[data-testid="history-row"][data-revision="1"]').getByTestId('rollback-open').click();
  const review = page.getByTestId('rollback-review');
  await expect(review.getByTestId('rollback-diff').locator('textarea[data-side="modified"]')).toHaveValue(/nginx:1\.25/);
  await review.getByTestId('rollback-confirm').click();
  await expect(page.getByTestId('ops-result')).toContainText('rolled back');
  await expect
    .poll(() => jsonpath(['get', 'statefulset', name, '-n', 'default'], '{.spec.template.spec.containers[0].image}'))
    .toBe('nginx:1.25');
  await expect(history.locator('[data-testid="history-row"][data-current="true"]')).toHaveAttribute('data-revision', '3', {
    timeout: 15_000,
  });
  kubectl(['delete', 'statefulset', name, '-n', 'default', '--wait=false']);
});

function pinnedToControlPlane(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      nodeSelector: {kubernetes.io/hostname: sandbox-control-plane}
      tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
      containers: [{name: web, image: 'nginx:1.27'}]
`;
}

// Stories run in two projects at once, so only one may cordon and drain: the desktop run does,
// on the control-plane node (nothing else schedules there); the phone run edits labels and
// taints under keys of its own.
test('label and taint a node, cordon it and drain it', async ({ page }, info) => {
  const node = 'sandbox-control-plane';
  const key = `e2e-${info.project.name}`.replace(/[^a-z0-9-]/g, '-');
  const drains = !info.project.name.includes('phone');
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/nodes/-/${node}`);
  await hydrated(page);
  const panel = page.getByTestId('node-controls');

  await panel.getByTestId('label-key').fill('Bad Key');
  await panel.getByTestId('label-add').click();
  await expect(panel.getByTestId('label-error')).toContainText('Bad Key');
  await panel.getByTestId('label-key').fill(key);
  await panel.getByTestId('label-value').fill('yes');
  await panel.getByTestId('label-add').click();
  await expect(panel.locator(`[data-testid="node-label"][data-key="${key}"]`)).toBeVisible();
  expect(jsonpath(['get', 'node', node], `{.metadata.labels.${key}}`)).toBe('yes');
  await panel.locator(`[data-testid="node-label"][data-key="${key}"]`).getByTestId('label-remove').click();
  await expect(panel.locator(`[data-testid="node-label"][data-key="${key}"]`)).toHaveCount(0);

  await panel.getByTestId('taint-key').fill(key);
  await panel.getByTestId('taint-value').fill('maintenance');
  await panel.getByTestId('taint-effect').selectOption('PreferNoSchedule');
  await panel.getByTestId('taint-add').click();
  await expect(panel.locator(`[data-testid="node-taint"][data-key="${key}"]`)).toHaveAttribute('data-effect', 'PreferNoSchedule');
  expect(kubectl(['get', 'node', node, '-o', 'jsonpath={.spec.taints[*].key}'])).toContain(key);
  await panel.locator(`[data-testid="node-taint"][data-key="${key}"]`).getByTestId('taint-remove').click();
  await expect(panel.locator(`[data-testid="node-taint"][data-key="${key}"]`)).toHaveCount(0);
  if (!drains) return;

  const app = unique('pinned', info);
  kubectl(['apply', '-f', '-'], pinnedToControlPlane(app));
  kubectl(['rollout', 'status', `deployment/${app}`, '-n', 'default', '--timeout=60s']);
  await panel.getByTestId('cordon-toggle').click();
  await expect(panel.getByTestId('ops-result')).toContainText('cordoned');
  expect(jsonpath(['get', 'node', node], '{.spec.unschedulable}')).toBe('true');
  await expect(panel.getByTestId('cordon-toggle')).toHaveAttribute('data-cordoned', 'true');

  // A budget holds the app's pods: the dialog follows the drain live, then says it stopped there.
  kubectl(['create', 'poddisruptionbudget', app, '-n', 'default', `--selector=app=${app}`, '--min-available=2']);
  await panel.getByTestId('drain-open').click();
  const dialog = page.getByTestId('drain-dialog');
  await dialog.getByTestId('drain-delete-emptydir').check();
  await dialog.getByTestId('drain-timeout').fill('5');
  await dialog.getByTestId('drain-submit').click();
  await expect(dialog.getByTestId('drain-live')).toBeVisible({ timeout: 5_000 });
  await expect(dialog.locator('[data-testid="drain-pod"][data-state="blocked"]')).toHaveCount(2, { timeout: 5_000 });
  await expect(dialog.getByTestId('drain-result')).toHaveAttribute('data-complete', 'false', { timeout: 15_000 });
  await expect(dialog.getByTestId('drain-result')).toContainText('PodDisruptionBudget');

  kubectl(['delete', 'poddisruptionbudget', app, '-n', 'default']);
  await dialog.getByTestId('drain-timeout').fill('30');
  await dialog.getByTestId('drain-submit').click();
  await expect(dialog.getByTestId('drain-result')).toHaveAttribute('data-complete', 'true', { timeout: 40_000 });
  await expect(dialog.getByTestId('drain-result')).toHaveAttribute('data-complete', 'true');
  await expect(dialog.locator('[data-testid="drain-pod"][data-state="evicted"]')).toHaveCount(2);
  const left = kubectl(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].kind}']);
  expect(left.split(/\s+/).filter((k) => k && k !== 'DaemonSet')).toEqual([]);
  await dialog.getByTestId('drain-close').click();

  await panel.getByTestId('cordon-toggle').click();
  await expect(panel.getByTestId('ops-result')).toContainText('uncordoned');
  expect(jsonpath(['get', 'node', node], '{.spec.unschedulable}')).toBe('');
  kubectl(['delete', 'deployment', app, '-n', 'default', '--wait=false']);
});

test('run a cronjob now and suspend it', async ({ page }, info) => {
  const name = unique('cron', info);
  kubectl(['create', 'cronjob', name, '--image=busybox:1.36', '--schedule=0 4 * * *', '-n', 'default', '--', 'sh', '-c', 'echo hi']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/cronjobs.batch/default/${name}`);
  await hydrated(page);
  const panel = page.getByTestId('cronjob-controls');
  await panel.getByTestId('cronjob-run').click();
  await expect(panel.getByTestId('ops-result')).toContainText(`${name}-manual-`);
  const jobs = kubectl(['get', 'jobs', '-n', 'default', '-o', 'jsonpath={.items[*].metadata.name}']);
  expect(jobs).toContain(`${name}-manual-`);
  await panel.getByTestId('suspend-toggle').click();
  await expect(panel.getByTestId('suspend-toggle')).toHaveAttribute('data-suspended', 'true');
  expect(jsonpath(['get', 'cronjob', name, '-n', 'default'], '{.spec.suspend}')).toBe('true');
  // Once the Job has finished, "Delete finished Jobs" removes it.
  await expect
    .poll(() => kubectl(['get', 'jobs', '-n', 'default', '-o', `jsonpath={.items[?(@.metadata.ownerReferences[0].name=="${name}")].status.succeeded}`]), {
      timeout: 20_000,
    })
    .toBe('1');
  const job = kubectl(['get', 'jobs', '-n', 'default', '-o', `jsonpath={.items[?(@.metadata.ownerReferences[0].name=="${name}")].metadata.name}`]);
  await panel.getByTestId('triggered-job').click();
  await expect(page.getByTestId('detail-kind')).toHaveText('Job');
  await page.goBack();
  await hydrated(page);
  await page.getByTestId('cronjob-controls').getByTestId('cronjob-clean').click();
  await expect(page.getByTestId('cronjob-controls').getByTestId('ops-result')).toContainText('Deleted 1 finished Job');
  await expect.poll(() => kubectl(['get', 'jobs', '-n', 'default', '-o', 'jsonpath={.items[*].metadata.name}'])).not.toContain(job);
  kubectl(['delete', 'cronjob', name, '-n', 'default', '--wait=false']);
});

test('label several nodes at once from the node list', async ({ page }, info) => {
  const key = `bulk-${info.project.name}`.replace(/[^a-z0-9-]/g, '-');
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/nodes`);
  await hydrated(page);
  await expect(page.getByTestId('bulk-bar')).toBeHidden();
  await page.getByTestId('resource-row-sandbox-worker-1').getByTestId('select-row').check();
  await page.getByTestId('resource-row-sandbox-gpu-1').getByTestId('select-row').check();
  const bar = page.getByTestId('bulk-bar');
  await expect(bar.getByTestId('bulk-count')).toHaveText('2');
  await bar.getByTestId('bulk-label-key').fill(key);
  await bar.getByTestId('bulk-label-value').fill('on');
  await bar.getByTestId('bulk-label-add').click();
  await expect(bar.getByTestId('bulk-result')).toHaveCount(2);
  await expect(bar.locator('[data-testid="bulk-result"][data-ok="true"]')).toHaveCount(2);
  expect(kubectl(['get', 'nodes', '-l', `${key}=on`, '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').sort()).toEqual([
    'sandbox-gpu-1',
    'sandbox-worker-1',
  ]);
  await bar.getByTestId('bulk-label-remove').click();
  await expect(bar.getByTestId('bulk-summary')).toContainText('2 of 2');
  await expect.poll(() => kubectl(['get', 'nodes', '-l', key, '-o', 'jsonpath={.items[*].metadata.name}'])).toBe('');
  // A key the API would refuse is refused before any node is touched.
  await bar.getByTestId('bulk-label-key').fill('not a key');
  await bar.getByTestId('bulk-label-add').click();
  await expect(bar.getByTestId('bulk-error')).toBeVisible();
});

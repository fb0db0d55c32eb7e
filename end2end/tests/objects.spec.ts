import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { hydrated, kubectl, sandboxId, signIn } from './support';

// Editing one object's YAML, creating objects from YAML and deleting them, against the
// embedded sandbox cluster. Each story makes its own objects, named after the project that
// runs it, so desktop and phone runs never touch each other's objects.

function unique(prefix: string, info: TestInfo): string {
  return `${prefix}-${info.project.name}-${Date.now().toString(36)}`;
}

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;
}

function replicasOf(name: string): number {
  return Number(kubectl(['get', 'deployment', name, '-n', 'default', '-o', 'jsonpath={.spec.replicas}']));
}

/** The text an editor holds (its textarea mirrors the editor while hidden); for a diff, the
 * modified side. */
async function editorText(page: Page, testid: string): Promise<string> {
  const editor = page.getByTestId(testid);
  const modified = editor.locator('textarea[data-side="modified"]');
  return ((await modified.count()) ? modified : editor.locator('textarea')).first().inputValue();
}

/** Replaces everything in a CodeMirror editor as a user would: select all, type. */
async function setEditorText(page: Page, testid: string, text: string) {
  const content = page.getByTestId(testid).locator('.cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await expect.poll(() => editorText(page, testid)).toBe(text);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

async function openYaml(page: Page, id: string, name: string) {
  await page.goto(`/clusters/${id}/resources/deployments.apps/default/${name}/yaml`);
  await hydrated(page);
  await expect(page.getByTestId('yaml-title')).toHaveText(name);
  await expect(page.getByTestId('yaml-editor')).toHaveAttribute('data-editor', 'ready');
}

test('a deployment is edited in YAML: a wrong value is marked at its line, the fix is reviewed and saved', async ({ page }, info) => {
  test.setTimeout(60_000);
  const name = unique('yaml-edit', info);
  kubectl(['apply', '-f', '-'], deployment(name, 1));
  try {
    await signIn(page, '/clusters');
    const id = await sandboxId(page);
    await openYaml(page, id, name);

    // Read-only until "Edit".
    const original = await editorText(page, 'yaml-editor');
    expect(original).toContain(`name: ${name}`);
    await expect(page.getByTestId('yaml-editor').locator('.cm-content')).toHaveAttribute('contenteditable', 'false');
    await page.getByTestId('yaml-edit').click();
    await expect(page.getByTestId('yaml-editor').locator('.cm-content')).toHaveAttribute('contenteditable', 'true');

    const broken = original.replace(/replicas: 1\b/, 'replicas: many');
    expect(broken).not.toBe(original);
    await setEditorText(page, 'yaml-editor', broken);
    await expect(page.getByTestId('yaml-unsaved')).toBeVisible();
    await page.getByTestId('yaml-validate').click();
    const line = lineOf(broken, 'replicas: many');
    await expect(page.getByTestId('yaml-issues')).toBeVisible();
    await expect(page.getByTestId('yaml-issue').and(page.locator(`[data-line="${line}"]`))).toHaveCount(1);
    await expect(page.getByTestId('yaml-editor').locator('.cm-lint-marker-error')).toHaveCount(1);
    // Nothing typed was lost, and nothing was changed in the cluster.
    expect(await editorText(page, 'yaml-editor')).toBe(broken);
    expect(replicasOf(name)).toBe(1);

    const fixed = original.replace(/replicas: 1\b/, 'replicas: 3');
    await setEditorText(page, 'yaml-editor', fixed);
    await page.getByTestId('yaml-validate').click();
    await expect(page.getByTestId('yaml-valid')).toBeVisible();
    await expect(page.getByTestId('yaml-issues')).toHaveCount(0);

    await page.getByTestId('yaml-review').click();
    const diff = page.getByTestId('yaml-review-diff');
    await expect(diff).toHaveAttribute('data-editor', 'ready');
    await expect(diff.locator('.cm-changedLine').first()).toBeVisible();
    await expect(diff).toContainText('replicas: 3');
    // The dry run's version of the object can be compared too.
    await page.getByTestId('review-dry-run').check();
    await expect(diff).toContainText('replicas: 3');

    await page.getByTestId('yaml-save').click();
    await expect(page.getByTestId('yaml-saved')).toBeVisible();
    await expect(page.getByTestId('yaml-editor').locator('.cm-content')).toHaveAttribute('contenteditable', 'false');
    expect(replicasOf(name)).toBe(3);
    expect(await editorText(page, 'yaml-editor')).toContain('replicas: 3');
  } finally {
    kubectl(['delete', 'deployment', name, '-n', 'default', '--ignore-not-found']);
  }
});

test('a conflicting change shows both versions, and "save mine" wins', async ({ page }, info) => {
  test.setTimeout(60_000);
  const name = unique('yaml-conflict', info);
  kubectl(['apply', '-f', '-'], deployment(name, 1));
  try {
    await signIn(page, '/clusters');
    const id = await sandboxId(page);
    await openYaml(page, id, name);
    await page.getByTestId('yaml-edit').click();
    const mine = (await editorText(page, 'yaml-editor')).replace(/replicas: 1\b/, 'replicas: 4');
    await setEditorText(page, 'yaml-editor', mine);

    // Someone else changes the object meanwhile.
    kubectl(['scale', 'deployment', name, '-n', 'default', '--replicas=2']);
    // Let the controller finish writing its status too, or "save mine" would meet a newer
    // version again (a second conflict, which is right, but not this story).
    kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=30s']);

    await page.getByTestId('yaml-save').click();
    const conflict = page.getByTestId('yaml-conflict-diff');
    await expect(page.getByTestId('yaml-conflict')).toBeVisible();
    await expect(conflict).toHaveAttribute('data-editor', 'ready');
    await expect(conflict).toContainText('replicas: 2');
    await expect(conflict).toContainText('replicas: 4');
    // Mine is kept exactly as typed.
    expect(await editorText(page, 'yaml-conflict-diff')).toBe(mine);
    expect(replicasOf(name)).toBe(2);

    await page.getByTestId('yaml-save-mine').click();
    await expect(page.getByTestId('yaml-saved')).toBeVisible();
    expect(replicasOf(name)).toBe(4);
  } finally {
    kubectl(['delete', 'deployment', name, '-n', 'default', '--ignore-not-found']);
  }
});

test('a ConfigMap and a Service are created from two documents, and the ConfigMap is deleted with the dialog', async ({ page }, info) => {
  test.setTimeout(60_000);
  const name = unique('made', info);
  const yaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  greeting: hello
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: 8080
`;
  try {
    await signIn(page, '/clusters');
    const id = await sandboxId(page);
    await page.goto(`/clusters/${id}/create?ns=default`);
    await hydrated(page);
    await expect(page.getByTestId('create-namespace')).toHaveValue('default');
    await expect(page.getByTestId('create-editor')).toHaveAttribute('data-editor', 'ready');
    await setEditorText(page, 'create-editor', yaml);

    await page.getByTestId('create-validate').click();
    const results = page.getByTestId('create-results');
    await expect(results).toHaveAttribute('data-dry-run', 'true');
    await expect(results.getByTestId('create-result')).toHaveCount(2);
    await expect(results.locator('[data-status="created"]')).toHaveCount(2);
    expect(kubectl(['get', 'configmap', name, '-n', 'default', '--ignore-not-found'])).toBe('');

    await page.getByTestId('create-submit').click();
    await expect(results).toHaveAttribute('data-dry-run', 'false');
    await expect(results.locator('[data-status="created"]')).toHaveCount(2);
    expect(kubectl(['get', 'configmap', name, '-n', 'default', '-o', 'jsonpath={.data.greeting}'])).toBe('hello');
    expect(kubectl(['get', 'service', name, '-n', 'default', '-o', 'jsonpath={.spec.ports[0].port}'])).toBe('80');
    // The text stays, so a similar object can be made next.
    expect(await editorText(page, 'create-editor')).toBe(yaml);

    await results.getByTestId('create-result').first().getByTestId('create-result-yaml').click();
    await expect(page).toHaveURL(new RegExp(`/resources/configmaps/default/${name}/yaml$`));
    await expect(page.getByTestId('yaml-title')).toHaveText(name);

    await page.getByTestId('delete-open').click();
    const dialog = page.getByTestId('delete-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading')).toContainText(name);
    await expect(dialog.getByTestId('delete-background')).toBeChecked();
    await dialog.getByTestId('delete-grace').fill('soon');
    await dialog.getByTestId('delete-submit').click();
    await expect(dialog.locator('.field-error').first()).toBeVisible();
    await dialog.getByTestId('delete-grace').fill('0');
    await dialog.getByTestId('delete-submit').click();
    await expect(dialog.getByTestId('delete-result')).toHaveAttribute('data-gone', 'true');
    expect(kubectl(['get', 'configmap', name, '-n', 'default', '--ignore-not-found'])).toBe('');
    await dialog.getByTestId('delete-done').click();
    await expect(page).toHaveURL(new RegExp(`/clusters/${id}/resources/configmaps$`));
  } finally {
    kubectl(['delete', 'configmap,service', name, '-n', 'default', '--ignore-not-found']);
  }
});

test('every template passes the cluster\'s dry run', async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, '/clusters');
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/create?kind=deployments.apps&ns=default`);
  await hydrated(page);
  await expect(page.getByTestId('create-editor')).toHaveAttribute('data-editor', 'ready');
  expect(await editorText(page, 'create-editor')).toContain('kind: Deployment');

  const keys = await page
    .getByTestId('create-template')
    .locator('option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter((v) => v));
  expect(keys.length).toBe(9);
  for (const key of keys) {
    await page.getByTestId('create-template').selectOption(key);
    // An untouched template is replaced without asking.
    await expect(page.getByTestId('create-replace')).toHaveCount(0);
    await page.getByTestId('create-validate').click();
    const results = page.getByTestId('create-results');
    // The result names the template's kind (the previous template's result is gone).
    await expect(results.getByTestId('create-result')).toHaveCount(1);
    await expect(results.getByTestId('create-result')).toContainText(`${key}/`);
    await expect(results.locator('[data-status="created"]'), `template ${key}`).toHaveCount(1);
  }

  // Edited text is replaced only when the reader agrees.
  await setEditorText(page, 'create-editor', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n');
  await page.getByTestId('create-template').selectOption('services');
  await expect(page.getByTestId('create-replace')).toBeVisible();
  await page.getByTestId('create-replace-no').click();
  expect(await editorText(page, 'create-editor')).toContain('name: mine');
  await page.getByTestId('create-template').selectOption('services');
  await page.getByTestId('create-replace-yes').click();
  expect(await editorText(page, 'create-editor')).toContain('kind: Service');
});

import { expect, test, type TestInfo } from '@playwright/test';
import { hydrated, isPhone, kubectl, sandboxId, signIn } from './support';

// Logs and terminals against the embedded sandbox: a crash-looping pod's log followed through
// a restart, its previous run, search and download; every pod of a deployment merged; a shell
// in a container that echoes what is typed. Objects are named after the project that runs the
// story, so desktop and phone runs never meet.

function unique(prefix: string, info: TestInfo): string {
  return `${prefix}-${info.project.name}-${Date.now().toString(36)}`;
}

function crashingPod(name: string) {
  kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo first line; echo ready; sleep 3; exit 1'] }] },
  }));
}

test('follow a pod log through a restart, read the previous run, search and download', async ({ page }, info) => {
  test.setTimeout(90_000);
  const name = unique('logs', info);
  crashingPod(name);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/pods/default/${name}`);
  await hydrated(page);
  await page.getByTestId('detail-logs').click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${id}/logs/pods/default/${name}$`));
  await page.reload();
  await hydrated(page);
  const view = page.getByTestId('log-view');
  await expect(view.getByTestId('log-line').filter({ hasText: 'ready' })).toHaveCount(1, { timeout: 20_000 });

  // The container exits: the viewer says it waits, then the next run's lines follow, once each.
  await expect(page.getByTestId('log-source-state')).toHaveAttribute('data-state', 'waiting', { timeout: 20_000 });
  await expect(view.getByTestId('log-line').filter({ hasText: 'ready' })).toHaveCount(2, { timeout: 40_000 });
  await expect(view.getByTestId('log-line').filter({ hasText: 'first line' })).toHaveCount(2);
  expect(Number(kubectl(['get', 'pod', name, '-n', 'default', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']))).toBeGreaterThan(0);

  // Search marks the matches and steps through them.
  await page.getByTestId('logs-search').fill('READY');
  await expect(page.getByTestId('logs-matches')).toHaveText(/^1 of [2-9]/);
  await expect(view.locator('mark').first()).toHaveText('ready');
  await page.getByTestId('logs-search-next').click();
  await expect(page.getByTestId('logs-matches')).toHaveText(/^2 of/);

  // Timestamps are shown on demand, without a new stream.
  await page.getByTestId('logs-timestamps').check();
  await expect(view.locator('.log-time').first()).toHaveText(/^\d{4}-\d\d-\d\dT/);

  // The previous run is complete: read once, then the socket says so.
  await page.getByTestId('logs-previous').check();
  await expect(page.getByTestId('logs-socket')).toHaveAttribute('data-state', 'finished', { timeout: 15_000 });
  await expect(view.getByTestId('log-line').filter({ hasText: 'ready' })).toHaveCount(1);

  // Download: the whole log as a file.
  await page.getByTestId('logs-previous').uncheck();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-download').click()]);
  expect(download.suggestedFilename()).toBe(`default-${name}.log`);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).toString('utf8')).toMatch(/first line\n.*ready\n/s);
  kubectl(['delete', 'pod', name, '-n', 'default', '--wait=false']);
});

test('a deployment shows the lines of all its pods, each led by its pod', async ({ page }, info) => {
  const name = unique('merged', info);
  kubectl(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=2', '-n', 'default']);
  kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=60s']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/deployments.apps/default/${name}`);
  await hydrated(page);
  await page.getByTestId('detail-logs').click();
  await hydrated(page);
  const view = page.getByTestId('log-view');
  await expect(page.getByTestId('log-source-state')).toHaveCount(2, { timeout: 20_000 });
  await expect(view.getByTestId('log-line').filter({ hasText: 'start worker processes' })).toHaveCount(2, { timeout: 20_000 });
  const sources = await view.locator('.log-source').allTextContents();
  expect(new Set(sources.filter((s) => s.length > 0)).size).toBe(2);

  // One pod only: its lines, without the prefix.
  const pods = await page.getByTestId('logs-pod').locator('option').allTextContents();
  await page.getByTestId('logs-pod').selectOption(pods[1]);
  await expect(page.getByTestId('log-source-state')).toHaveCount(1, { timeout: 15_000 });
  await expect(view.getByTestId('log-line').filter({ hasText: 'start worker processes' })).toHaveCount(1, { timeout: 15_000 });
  kubectl(['delete', 'deployment', name, '-n', 'default', '--wait=false']);
});

test('a deleted pod of a deployment keeps its log on the deployment log page', async ({ page }, info) => {
  test.setTimeout(90_000);
  const name = unique('ended', info);
  kubectl(['create', 'deployment', name, '--image=nginx:1.27', '-n', 'default']);
  kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=60s']);
  const pod = kubectl(['get', 'pods', '-n', 'default', '-l', `app=${name}`, '-o', 'jsonpath={.items[0].metadata.name}']).trim();
  // Let it write a few lines, then delete it the way an operator would.
  await new Promise((done) => setTimeout(done, 2_000));
  kubectl(['delete', 'pod', pod, '-n', 'default']);
  await signIn(page);
  const id = await sandboxId(page);
  // Through the API, as a script would ask.
  await expect.poll(async () => {
    const answer = await page.request.get(`/api/v1/k8s/cluster/${id}/namespaces/default/deployments/${name}/ended-pods`);
    return answer.ok() ? (await answer.json()).map((p: { name: string }) => p.name) : [];
  }, { timeout: 30_000 }).toContain(pod);

  await page.goto(`/clusters/${id}/logs/deployments/default/${name}`);
  await hydrated(page);
  const ended = page.getByTestId('ended-pods');
  const row = ended.getByTestId('ended-pod').filter({ hasText: pod });
  await expect(row).toHaveCount(1);
  await ended.locator('summary').click();
  await row.getByTestId('ended-log').first().click();
  await expect(page).toHaveURL(/\?kept=\d+$/);
  await expect(page.getByTestId('ended-banner')).toContainText(pod);
  const view = page.getByTestId('log-view');
  await expect(view.getByTestId('log-line').filter({ hasText: 'start worker processes' })).toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByTestId('logs-socket')).toHaveAttribute('data-state', 'finished');

  // The kept log downloads whole.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-download').click()]);
  expect(download.suggestedFilename()).toBe(`default-${pod}-nginx-ended.log`);

  // Back to the live pods: the replacement pod streams.
  await page.getByTestId('ended-back').click();
  await expect(page.getByTestId('ended-banner')).toHaveCount(0);
  await expect(page.getByTestId('log-source-state')).toHaveCount(1, { timeout: 15_000 });
  kubectl(['delete', 'deployment', name, '-n', 'default', '--wait=false']);
});

test('a terminal in a container echoes what is typed', async ({ page }, info) => {
  const name = unique('term', info);
  kubectl(['create', 'deployment', name, '--image=nginx:1.27', '-n', 'default']);
  kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'default', '--timeout=60s']);
  const pod = kubectl(['get', 'pods', '-n', 'default', '-l', `app=${name}`, '-o', 'jsonpath={.items[0].metadata.name}']);
  await signIn(page);
  const id = await sandboxId(page);
  await page.goto(`/clusters/${id}/resources/pods/default/${pod}`);
  await hydrated(page);
  await page.getByTestId('detail-terminal').click();
  await hydrated(page);
  await expect(page.getByTestId('term-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
  // The page renders on the server too (a reload, a shared link) and connects once hydrated.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('term-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
  await expect(page.getByTestId('term-container')).toHaveValue('nginx');
  const screen = page.locator('.xterm-rows');
  await expect(screen).toContainText('/ #', { timeout: 10_000 });
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo hello');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText(/hello\s*\/ #/);
  await page.keyboard.type('hostname');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText(pod);

  // The shell is told the terminal's size, and told again when the window changes.
  const shellSize = async (): Promise<[number, number]> => {
    const before = ((await screen.textContent()) ?? '').match(/stty size\s*\d+ \d+/g)?.length ?? 0;
    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    await expect.poll(async () => ((await screen.textContent()) ?? '').match(/stty size\s*\d+ \d+/g)?.length ?? 0).toBe(before + 1);
    const all = [...((await screen.textContent()) ?? '').matchAll(/stty size\s*(\d+) (\d+)/g)];
    const last = all[all.length - 1];
    return [Number(last[1]), Number(last[2])];
  };
  const [rows, cols] = await shellSize();
  expect(rows).toBe(await screen.locator(':scope > div').count());
  expect(cols).toBeGreaterThan(20);
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  await page.setViewportSize({ width: viewport.width - 100, height: viewport.height - 200 });
  await expect.poll(async () => screen.locator(':scope > div').count()).toBeLessThan(rows);
  const [fewer, narrower] = await shellSize();
  expect(fewer).toBe(await screen.locator(':scope > div').count());
  expect(narrower).toBeLessThan(cols);
  await page.setViewportSize(viewport);

  if (isPhone(page)) {
    // The key row holds what a soft keyboard lacks: Ctrl, then "c", interrupts the line.
    await page.keyboard.type('echo nope');
    await page.getByTestId('term-key-ctrl').click();
    await page.getByTestId('terminal').click();
    await page.keyboard.type('c');
    await expect(screen).toContainText('echo nope^C');
  }

  // Full screen keeps the session; exit ends it and says so; reconnect opens a new shell.
  await page.getByTestId('term-full').click();
  await expect(page.locator('.terminal-full')).toHaveCount(1);
  await page.getByTestId('term-full').click();
  await page.getByTestId('terminal').click();
  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('term-status')).toHaveAttribute('data-state', 'closed', { timeout: 10_000 });
  await page.getByTestId('term-connect').click();
  await expect(page.getByTestId('term-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });

  // The audit log (administrators, from the user menu) shows the session with what was typed.
  await page.goto('/audit');
  await hydrated(page);
  await page.getByTestId('audit-action').selectOption('terminal.');
  const closed = page
    .locator(`[data-testid="audit-row"][data-action="terminal.pod.close"]`)
    .filter({ hasText: pod })
    .filter({ has: page.getByTestId('audit-lines') });
  await expect(closed.first().getByTestId('audit-lines')).toContainText('echo hello');
  await expect(closed.first().getByTestId('audit-lines')).toContainText('hostname');
  kubectl(['delete', 'deployment', name, '-n', 'default', '--wait=false']);
});

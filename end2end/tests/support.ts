import { execFileSync } from 'node:child_process';
import { expect, type Page } from '@playwright/test';

/** The administrator the test script starts the server with. */
export const admin = {
  username: process.env.CAPSTAN_ADMIN_USER ?? 'admin',
  password: process.env.CAPSTAN_ADMIN_PASSWORD ?? '',
};

/** Waits until the WASM has hydrated the page, so clicks reach the live app. */
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

/** Opens the sign-in page (optionally with `next`) and signs in as the administrator. */
export async function signIn(page: Page, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await hydrated(page);
  await page.getByTestId('login-username').fill(admin.username);
  await page.getByTestId('login-password').fill(admin.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await hydrated(page);
}

/** True when the project runs at phone size. */
export function isPhone(page: Page) {
  return (page.viewportSize()?.width ?? 1440) < 600;
}

/** kubectl against the embedded sandbox (the same cluster Capstan calls "sandbox"). */
export function kubectl(args: string[], input?: string): string {
  const kubeconfig = process.env.CAPSTAN_E2E_SANDBOX_KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('CAPSTAN_E2E_SANDBOX_KUBECONFIG is not set: run the stories through scripts/e2e.sh');
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The embedded sandbox cluster's id, read from its row in the cluster list. */
export async function sandboxId(page: Page): Promise<string> {
  await page.goto('/clusters');
  await hydrated(page);
  const id = await page.getByTestId('cluster-row-sandbox').getAttribute('data-cluster-id');
  expect(id).toBeTruthy();
  return id!;
}

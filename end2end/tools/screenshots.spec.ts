import { readFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { hydrated, signIn } from '../tests/support';

// Not a test: writes a picture of every page at desktop and phone size, in both themes and
// languages, to end2end/screenshots/ for a human to look at. Run with `npm run screenshots`.
const sizes = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

for (const size of sizes) {
  test(`screenshots at ${size.name} size`, async ({ browser }) => {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      deviceScaleFactor: 1,
      isMobile: size.name === 'phone',
      hasTouch: size.name === 'phone',
    });
    const page = await context.newPage();
    for (const theme of ['light', 'dark']) {
      for (const lang of ['en', 'zh']) {
        const tag = `${size.name}-${theme}-${lang}`;
        await context.clearCookies();
        await page.goto(`/login?theme=${theme}&lang=${lang}`);
        await hydrated(page);
        await shoot(page, `login-${tag}`);
        // Not the admin: failed attempts count towards the admin's rate limit.
        await page.getByTestId('login-username').fill('operator');
        await page.getByTestId('login-password').fill('wrong-password');
        await page.getByTestId('login-submit').click();
        await page.getByTestId('login-error').waitFor();
        await shoot(page, `login-error-${tag}`);

        await signIn(page);
        await shoot(page, `home-${tag}`);
        await page.getByTestId('user-menu').locator('summary').click();
        await shoot(page, `home-user-menu-${tag}`);
        await page.keyboard.press('Escape');
        if (size.name === 'phone') {
          await page.getByTestId('nav-toggle').click();
          await page.getByTestId('sidebar').waitFor({ state: 'visible' });
          await page.waitForTimeout(300);
          await shoot(page, `home-drawer-${tag}`);
          await page.keyboard.press('Escape');
        }
        await page.goto('/no/such/page');
        await hydrated(page);
        await shoot(page, `not-found-${tag}`);

        await page.goto('/clusters');
        await hydrated(page);
        await page.getByTestId('cluster-row-sandbox').waitFor();
        await shoot(page, `clusters-${tag}`);
        await page.getByTestId('cluster-switcher').locator('summary').click();
        await shoot(page, `clusters-switcher-${tag}`);
        await page.keyboard.press('Escape');
        await page.getByTestId('cluster-row-sandbox').getByTestId('cluster-link').click();
        await page.getByTestId('cluster-capacity').waitFor();
        await shoot(page, `cluster-overview-${tag}`);
        const clusterUrl = page.url();
        await page.goto(`${clusterUrl}/resources/pods`);
        await page.getByTestId('resource-table').waitFor();
        await hydrated(page);
        await shoot(page, `resources-pods-${tag}`);
        if (size.name === 'phone') {
          await page.getByTestId('nav-toggle').click();
          await page.getByTestId('nav-group-Workloads').waitFor();
          await shoot(page, `resources-nav-${tag}`);
          await page.keyboard.press('Escape');
        }
        await page.goto(`${clusterUrl}/resources/deployments.apps`);
        await page.getByTestId('resource-table').waitFor();
        await shoot(page, `resources-deployments-${tag}`);
        await page.goto(clusterUrl);
        await page.getByTestId('cluster-settings-link').click();
        await page.getByTestId('settings-form').waitFor();
        await hydrated(page);
        await shoot(page, `cluster-settings-${tag}`);

        await page.goto('/clusters/import');
        await hydrated(page);
        await shoot(page, `cluster-import-${tag}`);
        const kubeconfig = process.env.CAPSTAN_E2E_SANDBOX_KUBECONFIG;
        if (kubeconfig) {
          await page.getByTestId('import-kubeconfig').fill(readFileSync(kubeconfig, 'utf8'));
          await page.getByTestId('import-read-contexts').click();
          await page.getByTestId('ctx-0-test').click();
          await page.locator('[data-testid="ctx-0-test-result"] .test-result').waitFor();
          await shoot(page, `cluster-import-contexts-${tag}`);
        }
      }
    }
    await context.close();
  });
}

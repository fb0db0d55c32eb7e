import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

test('the operator switches to Chinese and back, and the choice is remembered', async ({ page }) => {
  await signIn(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByTestId('language-menu').locator('summary').click();
  await page.getByTestId('language-zh').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('home-welcome')).toContainText('欢迎');
  await expect(page.getByTestId('nav-home')).toContainText('首页');

  // Rendered in Chinese by the server after a reload: no flash of English.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('home-welcome')).toContainText('欢迎');
  await hydrated(page);

  await page.getByTestId('language-menu').locator('summary').click();
  await page.getByTestId('language-en').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('home-welcome')).toContainText('Welcome');
});

test('a Chinese browser gets Chinese before choosing anything', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN', extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录 Capstan');
  await expect(page.getByText('用户名', { exact: true })).toBeVisible();
  await context.close();
});

test('the operator switches theme, and the server renders it on the next visit', async ({ page }) => {
  await signIn(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');

  await page.getByTestId('theme-menu').locator('summary').click();
  await page.getByTestId('theme-dark').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await hydrated(page);

  await page.getByTestId('theme-menu').locator('summary').click();
  await page.getByTestId('theme-light').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(lightBackground).not.toBe(darkBackground);

  await page.getByTestId('theme-menu').locator('summary').click();
  await page.getByTestId('theme-system').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
});

test('"system" follows the operating system colour scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/login');
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(dark).not.toBe(light);
});

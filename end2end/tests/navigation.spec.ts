import { expect, test } from '@playwright/test';
import { isPhone, signIn } from './support';

test('on a phone, the navigation drawer opens and closes', async ({ page }) => {
  test.skip(!isPhone(page), 'the drawer exists only at phone size');
  await signIn(page);
  const sidebar = page.getByTestId('sidebar');
  const toggle = page.getByTestId('nav-toggle');

  await expect(sidebar).toBeHidden();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');

  await toggle.click();
  await expect(sidebar).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('nav-home')).toBeVisible();

  await page.getByTestId('nav-close').click();
  await expect(sidebar).toBeHidden();
  await expect(toggle).toBeFocused();

  // Escape closes it too.
  await toggle.click();
  await expect(sidebar).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(sidebar).toBeHidden();

  // So does following a link.
  await toggle.click();
  await page.getByTestId('nav-home').click();
  await expect(sidebar).toBeHidden();
});

test('on a desktop, the sidebar is always there and the menu button is not', async ({ page }) => {
  test.skip(isPhone(page), 'desktop layout only');
  await signIn(page);
  await expect(page.getByTestId('sidebar')).toBeVisible();
  await expect(page.getByTestId('nav-toggle')).toBeHidden();
  await expect(page.getByTestId('nav-home')).toHaveAttribute('aria-current', 'page');
});

test('the skip link leads to the main content', async ({ page }) => {
  await signIn(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});

test('an unknown address inside the console shows the 404 page', async ({ page }) => {
  await signIn(page);
  const response = await page.goto('/definitely/not/here');
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  await page.getByTestId('not-found-home').click();
  await expect(page).toHaveURL(/\/$/);
});

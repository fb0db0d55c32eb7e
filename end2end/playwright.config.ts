import { defineConfig, devices } from '@playwright/test';

// Capstan's browser stories. The server is started by scripts/e2e.sh (or by hand) and found
// through CAPSTAN_URL; Playwright never downloads a browser: Debian's Chromium is used.
const baseURL = process.env.CAPSTAN_URL ?? 'http://127.0.0.1:3000';

const launchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const desktop = { viewport: { width: 1440, height: 900 }, launchOptions };
// A phone-sized viewport with touch, in Chromium (the iPhone presets would ask for WebKit).
const phone = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent: devices['Pixel 7'].userAgent,
  launchOptions,
};

export default defineConfig({
  testDir: '.',
  testMatch: 'tests/**/*.spec.ts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Two cores: one browser per core at most.
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'desktop', use: desktop },
    { name: 'phone', use: phone },
    // Screenshots of every page at both sizes, written to end2end/screenshots/ (gitignored).
    // Only with CAPSTAN_SCREENSHOTS=1, so the normal run skips it: `npm run screenshots`.
    ...(process.env.CAPSTAN_SCREENSHOTS
      ? [{ name: 'screenshots', testMatch: 'tools/screenshots.spec.ts', use: desktop }]
      : []),
  ],
});

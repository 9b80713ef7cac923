// Playwright journeys run against the release build in ../../dist (scripts/test.sh builds it first with
// `trunk build --release`), served by serve.mjs on 127.0.0.1:4173. The browser is Debian's /usr/bin/chromium:
// never run `npx playwright install` (it downloads a browser, which this project does not allow).
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}/`;

export default defineConfig({
  testDir: 'journeys',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    acceptDownloads: true,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Keep Chromium off the network: without these it tries Google's services at every start, and the
      // closed network of CI refuses them.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--disable-default-apps',
      ],
    },
  },
  webServer: {
    command: `node serve.mjs ${PORT}`,
    url: BASE_URL,
    reuseExistingServer: false,
    timeout: 20_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});

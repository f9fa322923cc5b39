import { defineConfig } from '@playwright/test';
import { FAKE_MEDIA_ARGS, chromiumExecutable } from './tests/support/browser/chromium';
import { E2E_PORT } from './e2e/support/ports';

export default defineConfig({
  testDir: './e2e',
  // Every test runs several browsers with fake cameras; on a 2-core machine, one at a time is
  // both faster overall and free of CPU-starvation flakes.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    // The specs find elements by their English names: English, whatever the machine's language.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: FAKE_MEDIA_ARGS,
    },
  },
  webServer: {
    command: 'node dist/server.mjs',
    url: `http://127.0.0.1:${E2E_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      ROOM_CAPACITY: '6',
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});

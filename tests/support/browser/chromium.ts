import { existsSync } from 'node:fs';

/**
 * Which Chromium to run: $CHROMIUM_PATH if set, else Debian's /usr/bin/chromium if present, else
 * Playwright's own download (on a laptop after `npx playwright install chromium`).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH?.trim();
  if (fromEnv) return fromEnv;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Flags that give every page fake devices and let two pages on one host call: fake cameras (to
 * test switching), a fake screen to share, and permission prompts accepted. Autoplay policy is
 * left as real browsers have it.
 *
 * Of Chromium's fake cameras, fake_device_1 sends Y16 depth frames, which no video encoder takes
 * (like a real IR/depth camera); fake_device_0 and fake_device_2 are ordinary cameras.
 */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream=device-count=3',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--allow-loopback-in-peer-connection',
  '--no-sandbox',
  '--disable-background-networking',
];

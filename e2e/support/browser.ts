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

/**
 * Which Firefox to run for the cross-engine cases: $FIREFOX_PATH if set, else Debian's
 * firefox-esr or firefox. Undefined when there is none: those cases then skip, saying why.
 */
export function firefoxExecutable(): string | undefined {
  const fromEnv = process.env.FIREFOX_PATH?.trim();
  if (fromEnv) return fromEnv;
  for (const candidate of ['/usr/bin/firefox-esr', '/usr/bin/firefox']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const NO_FIREFOX =
  'No Firefox found (set FIREFOX_PATH, or install firefox-esr): skipping the Chromium ↔ Firefox cases.';

/**
 * Firefox's counterpart of FAKE_MEDIA_ARGS: fake camera and microphone with no prompt, host
 * candidates that work on one machine, and nothing that phones home. Firefox's fake devices cover
 * the camera and microphone only; it has no fake screen to share.
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Let two browsers on one host reach each other: Chromium's loopback candidates accepted, and
  // real host addresses instead of mDNS names (Chromium does the same once the camera is
  // allowed). Firefox itself gathers no candidates on the loopback interface, so the host needs
  // one other interface, even one with no route out.
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // No traffic off this machine (puppeteer already turns off updates and safe browsing).
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'dom.push.connection.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'security.OCSP.enabled': 0,
};

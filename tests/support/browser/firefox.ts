import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

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

/** Starts a headless Firefox; puppeteer gives it a fresh temporary profile, deleted on close. */
export async function launchFirefox(): Promise<Browser> {
  const executablePath = firefoxExecutable();
  if (!executablePath) throw new Error(NO_FIREFOX);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    defaultViewport: { width: 1280, height: 720 },
  });
}

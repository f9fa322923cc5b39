import { gzipSync } from 'node:zlib';
import { createRoomId } from '../../lib/room-id';
import type { Probe } from '../../tests/support/browser/instrumentation';
import type { AppServer } from '../../tests/support/servers/app-server';
import { withPeople, type Cast } from './cast';

export interface FirstLoad {
  /** Gzipped kB of every script the call page fetched until its lobby's Join button showed. */
  callPageKb: number;
  /** Gzipped kB of every script the home page fetched until its load event. */
  homePageKb: number;
  /** Each script counted, by page: its path and gzipped bytes. */
  scripts: Record<'call' | 'home', { path: string; gzipBytes: number }[]>;
}

/**
 * The JavaScript a browser downloads before a page is of use, gzipped as a server would send it.
 * The call page renders in the browser only, so it is of use when the lobby's Join button shows;
 * chunks fetched after that (prefetched from the lobby: the call view, and the screens for
 * waiting and the ends of a call) are not counted. The home page is rendered on the server and is
 * of use once its scripts have run (the load event).
 */
export async function measureFirstLoad(cast: Cast, server: AppServer): Promise<FirstLoad> {
  const call = await withPeople(cast, ['Caller'], async ([caller]) => {
    await caller!.open(createRoomId(), server.url);
    return gzippedScripts(await caller!.evaluate(scriptsBeforeLobby, null));
  });
  const home = await withPeople(cast, ['Visitor'], async ([visitor]) => {
    await visitor!.driver.goto(`${server.url}/`);
    await visitor!.waitUntil(loaded, null, 'the home page has loaded');
    return gzippedScripts(await visitor!.evaluate(scriptsBeforeLoad, null));
  });
  const kb = (scripts: { gzipBytes: number }[]) =>
    scripts.reduce((sum, script) => sum + script.gzipBytes, 0) / 1024;
  return { callPageKb: kb(call), homePageKb: kb(home), scripts: { call, home } };
}

/** Runs in the page: whether the load event has passed. */
function loaded(): boolean {
  return document.readyState === 'complete';
}

/** Runs in the page: the scripts whose fetch began before the lobby's Join button first showed. */
function scriptsBeforeLobby(): string[] {
  const shownAt = (window as unknown as { __probe: Probe }).__probe.lobbyShownAt ?? Infinity;
  return performance
    .getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('.js') && entry.startTime <= shownAt)
    .map((entry) => entry.name);
}

/** Runs in the page: the scripts whose fetch began before the load event. */
function scriptsBeforeLoad(): string[] {
  const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  const loadedAt = navigation?.loadEventStart || Infinity;
  return performance
    .getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('.js') && entry.startTime <= loadedAt)
    .map((entry) => entry.name);
}

async function gzippedScripts(urls: string[]): Promise<{ path: string; gzipBytes: number }[]> {
  const scripts = [];
  for (const url of new Set(urls)) {
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    scripts.push({ path: new URL(url).pathname, gzipBytes: gzipSync(body).length });
  }
  return scripts;
}

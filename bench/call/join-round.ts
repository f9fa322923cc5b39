import { createRoomId } from '../../lib/room-id';
import type { Person } from '../../tests/support/browser/person';
import { tileSelector } from '../../tests/support/browser/in-page';
import { parsePrometheusText } from '../../tests/support/report';
import type { AppServer } from '../../tests/support/servers/app-server';
import { withPeople, type Cast } from './cast';
import { readFirstFrameAt, readJoinClickedAt, setupTiming, type SetupTiming } from './setup-timing';

export interface JoinRound {
  /** The 2nd, 3rd… person's setup, from their Join click. */
  newcomers: SetupTiming[];
  /** The 2nd person's Join click to the first frame of them that the 1st person sees. */
  firstSeesSecondMs: number;
  /** Signaling frames and bytes the server took in and sent out while the 2nd person joined. */
  secondJoinMessages: number;
  secondJoinBytes: number;
  /** In the full call: the 1st person's click on Microphone, then Camera, to the 2nd seeing it. */
  muteSeenMs: number;
  cameraOffSeenMs: number;
}

/**
 * One round of the app: the first person joins, then each next one opens the lobby, waits until
 * it is ready (camera on, signaling socket open), clicks Join and is timed until frames from
 * everyone already there are painted.
 */
export async function runJoinRound(
  cast: Cast,
  server: AppServer,
  names: readonly string[],
): Promise<JoinRound> {
  const roomId = createRoomId();
  return withPeople(cast, names, async (people) => {
    const [first, second] = people as [Person, Person];
    await first.join(roomId, server.url);
    const newcomers: SetupTiming[] = [];
    let firstSeesSecondMs = Number.NaN;
    let counts = { messages: Number.NaN, bytes: Number.NaN };
    for (const [index, person] of people.entries()) {
      if (index === 0) continue;
      const before = await serverCounters(server);
      await person.open(roomId, server.url);
      await person.waitUntil(lobbyReady, null, `${person.name}'s lobby is ready`);
      await person.clickJoin();
      const clickedAt = await person.waitFor(readJoinClickedAt, null, `${person.name} clicked`);
      newcomers.push(await setupTiming(person, names.slice(0, index), clickedAt));
      if (index === 1) {
        const seenAt = await first.waitFor(readFirstFrameAt, person.name, 'the 1st sees the 2nd');
        firstSeesSecondMs = seenAt - clickedAt;
        const after = await serverCounters(server);
        counts = { messages: after.messages - before.messages, bytes: after.bytes - before.bytes };
      }
    }
    // Last, in the full call, so that the joins above are timed without them.
    const muteSeenMs = await toggleSeen(first, second, 'Microphone', 'audio');
    const cameraOffSeenMs = await toggleSeen(first, second, 'Camera', 'video');
    return {
      newcomers,
      firstSeesSecondMs,
      secondJoinMessages: counts.messages,
      secondJoinBytes: counts.bytes,
      muteSeenMs,
      cameraOffSeenMs,
    };
  });
}

/** Runs in the page: the lobby shows the camera and has no signaling notice (its socket is open). */
export function lobbyReady(): boolean {
  const preview = document.querySelector<HTMLVideoElement>(
    'section[aria-label="Camera preview"] video',
  );
  return (
    (preview?.videoWidth ?? 0) > 0 && !document.querySelector('[data-testid="signaling-status"]')
  );
}

/**
 * Milliseconds from `actor` clicking `control` off to the first frame `viewer`'s page draws after
 * their tile says so. Both pages run on this machine, so their clocks agree.
 */
async function toggleSeen(
  actor: Person,
  viewer: Person,
  control: 'Microphone' | 'Camera',
  attribute: 'audio' | 'video',
): Promise<number> {
  // The observer is in place before the click, so the moment is taken when the tile changes.
  await viewer.evaluate(watchTileTurnOff, {
    selector: tileSelector(actor.name),
    name: `data-${attribute}`,
  });
  const clickedAt = await actor.evaluate(clickAndTime, control);
  const seenAt = await viewer.waitFor(
    () => (window as { __offSeenAt?: number }).__offSeenAt ?? null,
    null,
    `${viewer.name} sees ${actor.name}'s ${control} off`,
  );
  return seenAt - clickedAt;
}

/** Runs in the page: records, as `__offSeenAt`, the next frame after the tile's attribute turns off. */
function watchTileTurnOff({ selector, name }: { selector: string; name: string }): void {
  const tile = document.querySelector(selector);
  if (!tile) throw new Error(`no tile ${selector}`);
  const record = window as { __offSeenAt?: number };
  delete record.__offSeenAt;
  const observer = new MutationObserver(() => {
    if (tile.getAttribute(name) !== 'off') return;
    observer.disconnect();
    requestAnimationFrame(() => {
      record.__offSeenAt = performance.timeOrigin + performance.now();
    });
  });
  observer.observe(tile, { attributes: true, attributeFilter: [name] });
}

/** Runs in the page: clicks the button labelled `label`; returns when, in epoch milliseconds. */
function clickAndTime(label: string): number {
  const button = document.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);
  if (!button) throw new Error(`no ${label} button`);
  const at = performance.timeOrigin + performance.now();
  button.click();
  return at;
}

async function serverCounters(server: AppServer): Promise<{ messages: number; bytes: number }> {
  const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
  const read = (name: string) => metrics.get(name) ?? 0;
  return {
    messages: read('meshcall_messages_received_total') + read('meshcall_messages_sent_total'),
    bytes: read('meshcall_bytes_received_total') + read('meshcall_bytes_sent_total'),
  };
}

/**
 * Functions that run inside a call page to read what it shows and receives. Chromium pages
 * (Playwright) and Firefox pages (puppeteer-core) run these same functions, so both engines are
 * measured the same way. Each must stay self-contained: it is serialised into the page.
 */

/** Media a page receives from one remote participant, read from the tile that shows them. */
export interface InboundMedia {
  link: string | null;
  framesDecoded: number;
  audioPacketsReceived: number;
  /** Whether the peer's <audio> element is playing: autoplay policies differ between engines. */
  audioPlaying: boolean;
}

/** A tile's observable state: its `data-*` attributes, as the UI renders them. */
export interface TileState {
  link: string | null;
  audio: string | null;
  video: string | null;
  speaking: string | null;
}

/** CSS selector of the tile showing `name`'s camera (`participant-tile`) or screen. */
export function tileSelector(name: string, kind: 'camera' | 'screen' = 'camera'): string {
  return kind === 'camera'
    ? `figure[data-testid="participant-tile"][aria-label="${name}"]`
    : `figure[data-testid="screen-tile"][aria-label="${name}’s screen"]`;
}

/**
 * Runs in the page. Reads real getStats() for the tracks shown in the tile at `selector` and
 * played by that peer's <audio>, from the peer connections the instrumentation recorded.
 *
 * Written against what both engines report: `kind` (older Firefox said `mediaType`),
 * `framesDecoded` and `packetsReceived`.
 */
export async function readInboundMedia(selector: string): Promise<InboundMedia | null> {
  const probe = (window as unknown as { __probe: { peerConnections: RTCPeerConnection[] } })
    .__probe;
  const tile = document.querySelector<HTMLElement>(selector);
  const video = tile?.querySelector('video');
  if (!tile || !video) return null;
  const peerId = tile.dataset.peerId;
  const audio = peerId
    ? document.querySelector<HTMLAudioElement>(`audio[data-peer-id="${peerId}"]`)
    : null;
  const tracks = [
    ...((video.srcObject as MediaStream | null)?.getVideoTracks() ?? []),
    ...((audio?.srcObject as MediaStream | null)?.getAudioTracks() ?? []),
  ];
  const result: InboundMedia = {
    link: tile.dataset.link ?? null,
    framesDecoded: 0,
    audioPacketsReceived: 0,
    audioPlaying: audio !== null && !audio.paused,
  };
  for (const pc of probe.peerConnections) {
    if (pc.connectionState === 'closed') continue;
    for (const receiver of pc.getReceivers()) {
      if (!tracks.includes(receiver.track)) continue;
      const stats = await receiver.getStats();
      stats.forEach((report: Record<string, unknown>) => {
        if (report.type !== 'inbound-rtp') return;
        const kind = report.kind ?? report.mediaType;
        if (kind === 'video') result.framesDecoded += Number(report.framesDecoded ?? 0);
        if (kind === 'audio') result.audioPacketsReceived += Number(report.packetsReceived ?? 0);
      });
    }
  }
  return result;
}

/** Runs in the page: the `data-*` state of the tile at `selector`, or null if it is not shown. */
export function readTileState(selector: string): TileState | null {
  const tile = document.querySelector<HTMLElement>(selector);
  if (!tile) return null;
  return {
    link: tile.dataset.link ?? null,
    audio: tile.dataset.audio ?? null,
    video: tile.dataset.video ?? null,
    speaking: tile.dataset.speaking ?? null,
  };
}

/** Runs in the page: every chat message shown, as "sender: text". */
export function readChatMessages(): string[] {
  return [...document.querySelectorAll('[data-testid="chat-message"]')].map((message) => {
    const sender = message.querySelector('span')?.textContent?.trim() ?? '';
    const text = message.querySelector('p')?.textContent?.trim() ?? '';
    return `${sender}: ${text}`;
  });
}

type SignalProbe = {
  holdSignals: boolean;
  heldSignals: { offer: boolean; send(): void }[];
  offerCollisions: number;
};

/**
 * Runs in the page: holds back this page's offers, answers and candidates (true), or sends the
 * held ones, in order, and stops holding (false).
 */
export function holdSignals(hold: boolean): void {
  const probe = (
    window as unknown as { __probe: SignalProbe & { heldSignals: { send(): void }[] } }
  ).__probe;
  probe.holdSignals = hold;
  if (!hold) for (const held of probe.heldSignals.splice(0)) held.send();
}

/** Runs in the page: offers held back now, and offers that arrived while one of ours was out. */
export function offerState(): { heldOffers: number; collisions: number } {
  const probe = (window as unknown as { __probe: SignalProbe }).__probe;
  return {
    heldOffers: probe.heldSignals.filter((held) => held.offer).length,
    collisions: probe.offerCollisions,
  };
}

type ConnectionProbe = { peerConnections: RTCPeerConnection[] };

/** Runs in the page: restarts ICE on every open peer connection, as the app does on a failed link. */
export function restartIce(): void {
  const probe = (window as unknown as { __probe: ConnectionProbe }).__probe;
  for (const pc of probe.peerConnections) if (pc.connectionState !== 'closed') pc.restartIce();
}

/** Runs in the page: each open peer connection's negotiated ICE ufrag and states. */
export function iceSessions(): {
  ufrag: string | null;
  signaling: RTCSignalingState;
  connection: RTCPeerConnectionState;
}[] {
  const probe = (window as unknown as { __probe: ConnectionProbe }).__probe;
  return probe.peerConnections
    .filter((pc) => pc.connectionState !== 'closed')
    .map((pc) => ({
      ufrag: pc.currentLocalDescription?.sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1] ?? null,
      signaling: pc.signalingState,
      connection: pc.connectionState,
    }));
}

/** Runs in the page: every Content-Security-Policy violation reported since it loaded. */
export function readCspViolations(): string[] {
  return (window as unknown as { __probe: { cspViolations: string[] } }).__probe.cspViolations;
}

/*
 * What a person waits for, read the same way in every engine. Visibility is the element's own
 * `checkVisibility()`: rendered, not `display: none` or `visibility: hidden` on the way up.
 */

/** Runs in the page: whether a button named exactly `name` (its label, else its text) can be clicked. */
export function buttonReady(name: string): boolean {
  return [...document.querySelectorAll('button')].some(
    (button) =>
      (button.getAttribute('aria-label') ?? button.textContent?.trim()) === name &&
      !button.disabled &&
      button.checkVisibility(),
  );
}

/** Runs in the page: whether the element at `selector` is on screen. */
export function elementShown(selector: string): boolean {
  return document.querySelector(selector)?.checkVisibility() ?? false;
}

/** Runs in the page: whether a heading reading exactly `text` is on screen. */
export function headingShown(text: string): boolean {
  return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].some(
    (heading) => heading.textContent?.trim() === text && heading.checkVisibility(),
  );
}

/** Runs in the page: whether the field whose <label> reads exactly `label` is on screen. */
export function fieldShown(label: string): boolean {
  return [...document.querySelectorAll('label')].some(
    (element) => element.textContent?.trim() === label && !!element.control?.checkVisibility(),
  );
}

/** Runs in the page: whether the tile at `selector` says its link is connected. */
export function tileConnected(selector: string): boolean {
  return document.querySelector<HTMLElement>(selector)?.dataset.link === 'connected';
}

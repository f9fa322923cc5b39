/** When one peer connection reached each step of its setup, in epoch milliseconds. */
export interface LinkTimes {
  createdAt: number;
  /** Our offer set as the local description (the first one). */
  offerSetAt?: number;
  /** The remote answer handed to setRemoteDescription (the first one). */
  answerReceivedAt?: number;
  /** ICE first `connected` (or `completed`). */
  iceConnectedAt?: number;
  /** `connectionState` first `connected`: ICE and DTLS both up. */
  dtlsConnectedAt?: number;
}

/** What the instrumentation records, as `window.__probe`. */
export interface Probe {
  peerConnections: RTCPeerConnection[];
  /** One entry per peer connection, in the same order. */
  links: LinkTimes[];
  sockets: WebSocket[];
  joinClickedAt: number | null;
  /** The app's `join` sent on the signaling socket, and its `joined` answer received (the last ones). */
  joinSentAt: number | null;
  joinedAt: number | null;
  firstRemoteFrameAt: Record<string, number>;
  /** When each remote tile's <video> first had a frame to show ('loadeddata'), painted or not. */
  firstRemoteFrameLoadedAt: Record<string, number>;
  /** performance.now() when the lobby's Join button first appeared. */
  lobbyShownAt: number | null;
  descriptionsSent: number;
  offerCollisions: number;
  holdSignals: boolean;
  heldSignals: { offer: boolean; send: () => void }[];
  cspViolations: string[];
}

/**
 * Runs in every test page before the app (page.addInitScript). It watches, without changing
 * behaviour:
 * - every RTCPeerConnection the app creates, so tests can read real getStats(), and every offer
 *   that arrives while one of ours is outstanding (an offer collision, or "glare");
 * - every WebSocket, so a test can drop the signaling socket as a network fault would, or hold
 *   back what it sends to peers (`holdSignals`), in order, and release it later, as a slow
 *   network would;
 * - for timing figures: the moment "Join" is clicked, the `join` sent and `joined` received, each
 *   peer connection's steps (offer, answer, ICE, DTLS), and the first frame each remote tile
 *   has ('loadeddata') and paints (requestVideoFrameCallback where the engine has it, else
 *   'loadeddata'). Times are epoch
 *   milliseconds, so pages on one machine can be compared.
 * Chromium pages get it through Playwright's addInitScript, Firefox pages through puppeteer's
 * evaluateOnNewDocument. Must stay self-contained: it is serialised into the page.
 */
export function installInstrumentation(): void {
  const probe: Probe = {
    peerConnections: [],
    links: [],
    sockets: [],
    joinClickedAt: null,
    joinSentAt: null,
    joinedAt: null,
    firstRemoteFrameAt: {},
    firstRemoteFrameLoadedAt: {},
    lobbyShownAt: null,
    descriptionsSent: 0,
    offerCollisions: 0,
    holdSignals: false,
    heldSignals: [],
    cspViolations: [],
  };
  (window as unknown as { __probe: Probe }).__probe = probe;
  const now = () => performance.timeOrigin + performance.now();

  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      const times: LinkTimes = { createdAt: now() };
      this.times = times;
      probe.peerConnections.push(this);
      probe.links.push(times);
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed')
          times.iceConnectedAt ??= now();
      });
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') times.dtlsConnectedAt ??= now();
      });
    }
    private readonly times: LinkTimes;
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description.type === 'offer' && this.signalingState === 'have-local-offer')
        probe.offerCollisions++;
      if (description.type === 'answer') this.times.answerReceivedAt ??= now();
      return super.setRemoteDescription(description);
    }
    override async setLocalDescription(
      description?: RTCLocalSessionDescriptionInit,
    ): Promise<void> {
      await super.setLocalDescription(description);
      if (this.localDescription?.type === 'offer') this.times.offerSetAt ??= now();
    }
  };

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      probe.sockets.push(this);
      this.addEventListener('message', ({ data }) => {
        // The server writes `type` first; a look at the head spares parsing every frame.
        if (typeof data === 'string' && data.slice(0, 24).includes('"type":"joined"'))
          probe.joinedAt = now();
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const description = typeof data === 'string' && data.startsWith('{"type":"description"');
      const offer = description && (data as string).includes('"type":"offer"');
      if (description) probe.descriptionsSent++;
      if (typeof data === 'string' && data.startsWith('{"type":"join",')) probe.joinSentAt = now();
      const toPeer =
        description || (typeof data === 'string' && data.startsWith('{"type":"candidate"'));
      if (toPeer && probe.holdSignals) {
        probe.heldSignals.push({ offer, send: () => super.send(data) });
        return;
      }
      super.send(data);
    }
  };

  document.addEventListener('securitypolicyviolation', (event) => {
    probe.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'}`);
  });

  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button?.textContent?.trim() === 'Join') probe.joinClickedAt = now();
    },
    true,
  );

  const watched = new WeakSet<HTMLVideoElement>();
  const watch = () => {
    if (probe.lobbyShownAt === null) {
      for (const button of document.querySelectorAll('button')) {
        if (button.textContent?.trim() === 'Join') probe.lobbyShownAt = performance.now();
      }
    }
    for (const video of document.querySelectorAll<HTMLVideoElement>(
      'figure[data-testid="participant-tile"]:not([data-peer-id="local"]) video',
    )) {
      if (watched.has(video)) continue;
      watched.add(video);
      const name = video.closest('figure')?.getAttribute('aria-label') ?? '?';
      const painted = () => {
        probe.firstRemoteFrameAt[name] ??= now();
      };
      video.addEventListener(
        'loadeddata',
        () => {
          probe.firstRemoteFrameLoadedAt[name] ??= now();
        },
        { once: true },
      );
      // Not in every engine: fall back to the first decoded frame's 'loadeddata'.
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(painted);
      else (video as HTMLVideoElement).addEventListener('loadeddata', painted, { once: true });
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
}

/**
 * Runs in every test page before the app (page.addInitScript). It watches, without changing
 * behaviour:
 * - every RTCPeerConnection the app creates, so tests can read real getStats(), and every offer
 *   that arrives while one of ours is outstanding (an offer collision, or "glare");
 * - every WebSocket, so a test can drop the signaling socket as a network fault would, or hold
 *   back what it sends to peers (`holdSignals`), in order, and release it later, as a slow
 *   network would;
 * - the moment "Join" is clicked, the first frame each remote tile paints
 *   (requestVideoFrameCallback where the engine has it, else 'loadeddata') and each peer
 *   connection's first "connected", for timing figures. Times are epoch milliseconds, so pages
 *   on one machine can be compared.
 * Chromium pages get it through Playwright's addInitScript, Firefox pages through puppeteer's
 * evaluateOnNewDocument. Must stay self-contained: it is serialised into the page.
 */
export function installInstrumentation(): void {
  type Probe = {
    peerConnections: RTCPeerConnection[];
    sockets: WebSocket[];
    joinClickedAt: number | null;
    firstRemoteFrameAt: Record<string, number>;
    connectedAt: number[];
    /** performance.now() when the lobby's Join button first appeared. */
    lobbyShownAt: number | null;
    descriptionsSent: number;
    offerCollisions: number;
    holdSignals: boolean;
    heldSignals: { offer: boolean; send: () => void }[];
    cspViolations: string[];
  };
  const probe: Probe = {
    peerConnections: [],
    sockets: [],
    joinClickedAt: null,
    firstRemoteFrameAt: {},
    connectedAt: [],
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
      probe.peerConnections.push(this);
      let connected = false;
      this.addEventListener('connectionstatechange', () => {
        if (connected || this.connectionState !== 'connected') return;
        connected = true;
        probe.connectedAt.push(now());
      });
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description.type === 'offer' && this.signalingState === 'have-local-offer')
        probe.offerCollisions++;
      return super.setRemoteDescription(description);
    }
  };

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      probe.sockets.push(this);
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const description = typeof data === 'string' && data.startsWith('{"type":"description"');
      const offer = description && (data as string).includes('"type":"offer"');
      if (description) probe.descriptionsSent++;
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
      // Not in every engine: fall back to the first decoded frame's 'loadeddata'.
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(painted);
      else (video as HTMLVideoElement).addEventListener('loadeddata', painted, { once: true });
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
}

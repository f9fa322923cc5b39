/**
 * The floor's people: what WebRTC itself costs to set up a call on this machine, with none of our
 * code. These functions run in a page of the floor relay (see floor-relay.ts), in the same Chromium
 * with the same flags and the same instrumentation as the app's pages, and do what the app does
 * at the WebRTC level and nothing else:
 * - the same getUserMedia constraints, and a preview of the local camera on screen;
 * - the same RTCConfiguration (`max-bundle`, no ICE servers: a call on one machine);
 * - the newcomer offers to everyone already there, an audio and a video transceiver sending the
 *   camera and microphone plus a negotiated data channel, so the SDP has the same three m-lines;
 *   the other side answers, sending its own tracks on the offered transceivers;
 * - candidates trickle, including the end-of-candidates;
 * - the camera goes out at its full size, as bare WebRTC sends it. The app differs here: a new
 *   link carries a tile's worth until its receiver says how it shows it (send-encoding.ts), and
 *   its first frame comes sooner for it;
 * - each remote person is shown in a `participant-tile` figure like the app's, so the
 *   instrumentation times their first painted frame in the same way.
 * Each function is serialised into the page: it must stay self-contained.
 */

export interface FloorPeerConfig {
  socketUrl: string;
  room: string;
  name: string;
  audio: MediaTrackConstraints;
  video: MediaTrackConstraints;
  configuration: RTCConfiguration;
}

/**
 * Runs in the page: gets the camera and microphone and opens the relay socket, as the lobby does
 * before Join; resolves once both are ready. Offers from others are answered from then on.
 */
export async function setUpFloorPeer(config: FloorPeerConfig): Promise<void> {
  type Signal = {
    to: string;
    from: string;
    description?: RTCSessionDescriptionInit;
    candidate?: RTCIceCandidateInit | null;
  };
  type Link = { connection: RTCPeerConnection; queue: Promise<void> };

  const camera = await navigator.mediaDevices.getUserMedia({
    audio: config.audio,
    video: config.video,
  });
  const outgoing = new MediaStream();
  const preview = Object.assign(document.createElement('video'), {
    autoplay: true,
    muted: true,
    playsInline: true,
    srcObject: camera,
  });
  document.body.append(preview);

  const socket = new WebSocket(
    `${config.socketUrl}?room=${encodeURIComponent(config.room)}&name=${encodeURIComponent(config.name)}`,
  );
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const send = (signal: Omit<Signal, 'from'>) =>
    socket.send(JSON.stringify({ ...signal, from: config.name }));

  const show = (remote: string, stream: MediaStream) => {
    let figure = document.querySelector<HTMLElement>(`figure[data-peer-id="${remote}"]`);
    if (!figure) {
      figure = document.createElement('figure');
      figure.dataset.testid = 'participant-tile';
      figure.dataset.peerId = remote;
      figure.setAttribute('aria-label', remote);
      figure.append(
        Object.assign(document.createElement('video'), {
          autoplay: true,
          muted: true,
          playsInline: true,
        }),
        Object.assign(document.createElement('audio'), { autoplay: true }),
      );
      document.body.append(figure);
    }
    for (const element of figure.querySelectorAll('video, audio'))
      (element as HTMLMediaElement).srcObject = stream;
  };

  const links = new Map<string, Link>();
  const open = (remote: string): Link => {
    const connection = new RTCPeerConnection(config.configuration);
    connection.onicecandidate = ({ candidate }) =>
      send({ to: remote, candidate: candidate ? candidate.toJSON() : null });
    connection.ontrack = ({ track, streams }) =>
      show(remote, streams[0] ?? new MediaStream([track]));
    const link = { connection, queue: Promise.resolve() };
    links.set(remote, link);
    return link;
  };
  const chatChannel = (connection: RTCPeerConnection) =>
    connection.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });

  const handle = async (link: Link, signal: Signal) => {
    const { connection } = link;
    if (signal.description) {
      await connection.setRemoteDescription(signal.description);
      if (signal.description.type !== 'offer') return;
      for (const transceiver of connection.getTransceivers()) {
        const track = camera.getTracks().find((t) => t.kind === transceiver.receiver.track.kind);
        if (!track) continue;
        transceiver.direction = 'sendrecv';
        await transceiver.sender.replaceTrack(track);
        transceiver.sender.setStreams(outgoing);
      }
      await connection.setLocalDescription();
      send({ to: signal.from, description: connection.localDescription!.toJSON() });
      chatChannel(connection);
    } else if (signal.candidate !== undefined) {
      if (signal.candidate) await connection.addIceCandidate(signal.candidate);
      else await connection.addIceCandidate();
    }
  };
  socket.onmessage = ({ data }) => {
    const signal = JSON.parse(data as string) as Signal;
    const link = links.get(signal.from) ?? open(signal.from);
    // One signal at a time per link, in order, as the app handles them.
    link.queue = link.queue.then(() => handle(link, signal)).catch(console.error);
  };

  (window as unknown as { __floor: { call(remotes: string[]): number } }).__floor = {
    /** Offers to each of `remotes` at once; returns when it started, in epoch milliseconds. */
    call(remotes) {
      const startedAt = performance.timeOrigin + performance.now();
      for (const remote of remotes) {
        const link = open(remote);
        const { connection } = link;
        for (const track of camera.getTracks())
          connection.addTransceiver(track, { direction: 'sendrecv', streams: [outgoing] });
        chatChannel(connection);
        link.queue = link.queue
          .then(async () => {
            await connection.setLocalDescription();
            send({ to: remote, description: connection.localDescription!.toJSON() });
          })
          .catch(console.error);
      }
      return startedAt;
    },
  };
}

/** Runs in the page: this floor person offers to everyone in `remotes`; returns the start time. */
export function callFloorPeers(remotes: string[]): number {
  return (window as unknown as { __floor: { call(remotes: string[]): number } }).__floor.call(
    remotes,
  );
}

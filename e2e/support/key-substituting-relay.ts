import type { Page, WebSocketRoute } from '@playwright/test';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';

/** Which of the two people: the one who joined first, or the one who joined after. */
type Side = 'earlier' | 'later';

interface End {
  route: WebSocketRoute | null;
  /** This person's peer id, from the server's `joined`. */
  peerId: string | null;
  /** The relay's own connection with this person: its own DTLS certificate. */
  connection: RTCPeerConnection;
  chat: RTCDataChannel;
  epoch: number;
}

type Json = Record<string, unknown>;

/**
 * A man in the middle between two people, for tests. Both pages' signaling goes through it
 * (Playwright routes their /ws to the real server), and it passes every message on except the
 * media signals. Those it answers itself: it ends DTLS with each person on a werift peer
 * connection with its own certificate, answering the later joiner's offer as if it were the
 * earlier, and offering to the earlier as if it were the later. Both links connect, the chat
 * channel is relayed between them, and the relay reads every message on the way.
 */
export class KeySubstitutingRelay {
  /** Chat messages the relay read in passing. */
  readonly chatRead: string[] = [];
  private readonly ends: Record<Side, End>;
  private offeredToEarlier = false;

  constructor() {
    this.ends = { earlier: this.makeEnd('earlier'), later: this.makeEnd('later') };
  }

  /** Routes `page`'s signaling through the relay, as the person who joins `side`. */
  async intercept(page: Page, side: Side): Promise<void> {
    const end = this.ends[side];
    await page.routeWebSocket(
      (url) => url.pathname === '/ws',
      (route) => {
        end.route = route;
        const server = route.connectToServer();
        route.onMessage((message) => {
          const parsed = parse(message);
          if (parsed?.type === 'description' || parsed?.type === 'candidate')
            void this.fromPerson(side, parsed);
          else server.send(message);
        });
        server.onMessage((message) => {
          const parsed = parse(message);
          if (parsed?.type === 'joined' && typeof parsed.peerId === 'string')
            end.peerId = parsed.peerId;
          // Nothing from the other person's browser gets through; there is none anyway.
          if (parsed?.type !== 'description' && parsed?.type !== 'candidate') route.send(message);
        });
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.ends).map((end) => end.connection.close()));
  }

  private makeEnd(side: Side): End {
    const connection = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    const chat = connection.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
    const end: End = { route: null, peerId: null, connection, chat, epoch: 0 };
    chat.onMessage.subscribe((data) => {
      const text = data.toString();
      this.chatRead.push(text);
      const other = this.ends[side === 'earlier' ? 'later' : 'earlier'].chat;
      if (other.readyState === 'open') other.send(text);
    });
    connection.onIceCandidate.subscribe((candidate) => {
      if (!candidate) return;
      this.toPerson(side, {
        type: 'candidate',
        candidate: {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid ?? null,
          sdpMLineIndex: candidate.sdpMLineIndex ?? null,
        },
      });
    });
    return end;
  }

  /** Sends `message` to `side`'s page as if the server relayed it from the other person. */
  private toPerson(side: Side, message: Json): void {
    const end = this.ends[side];
    const from = this.ends[side === 'earlier' ? 'later' : 'earlier'].peerId;
    if (!end.route || !from) return;
    end.route.send(JSON.stringify({ ...message, from, epoch: end.epoch }));
  }

  private async fromPerson(side: Side, message: Json): Promise<void> {
    const end = this.ends[side];
    const other = side === 'earlier' ? 'later' : 'earlier';
    // The person addresses the other one: that is how the relay learns both ids.
    if (typeof message.to === 'string') this.ends[other].peerId ??= message.to;
    if (typeof message.epoch === 'number') end.epoch = message.epoch;
    if (message.type === 'candidate') {
      const candidate = message.candidate as { candidate: string } | null;
      if (candidate?.candidate) await end.connection.addIceCandidate(candidate).catch(() => {});
      return;
    }
    const description = message.description as { type: 'offer' | 'answer'; sdp: string };
    await end.connection.setRemoteDescription(description);
    if (description.type === 'offer') {
      await end.connection.setLocalDescription(await end.connection.createAnswer());
      this.toPerson(side, { type: 'description', description: local(end.connection) });
    }
    // The later joiner offers first; the relay then offers to the earlier one in its name.
    if (side === 'later' && !this.offeredToEarlier) {
      this.offeredToEarlier = true;
      const earlier = this.ends.earlier;
      earlier.connection.addTransceiver('audio', { direction: 'sendrecv' });
      earlier.connection.addTransceiver('video', { direction: 'sendrecv' });
      await earlier.connection.setLocalDescription(await earlier.connection.createOffer());
      this.toPerson('earlier', { type: 'description', description: local(earlier.connection) });
    }
  }
}

function local(connection: RTCPeerConnection): { type: string; sdp: string } {
  const description = connection.localDescription;
  if (!description) throw new Error('the relay has no local description');
  return { type: description.type, sdp: description.sdp };
}

function parse(message: string | Buffer): Json | null {
  try {
    const value: unknown = JSON.parse(message.toString());
    return typeof value === 'object' && value !== null ? (value as Json) : null;
  } catch {
    return null;
  }
}

import * as v from 'valibot';
import { LIMITS, PEER_ID_PATTERN, RESUME_TOKEN_PATTERN } from '../signaling/protocol';
import type { EpochMemory } from '../webrtc/mesh-transport';

/**
 * What one browser tab remembers about the call it is in, so that a reload comes straight back to
 * the same place: the resume token, the name and microphone and camera choices, and the
 * connection epoch of each link (a reloaded page has no connections left, and must offer new ones
 * that the others take for new). It lives in sessionStorage, which belongs to this tab alone and
 * survives a reload, under one key per room.
 *
 * Only a page that went away moments ago leaves a ticket to rejoin with: one that crashed, a tab
 * restored hours later by the browser, or a tab duplicated mid-call (which copies sessionStorage
 * while the call goes on in the original) shows the lobby instead.
 */

export interface RejoinTicket {
  resumeToken: string;
  name: string;
  microphoneOn: boolean;
  cameraOn: boolean;
}

/** How long after its page went away a ticket rejoins without a click. */
export const REJOIN_WITHIN_MS = 30_000;

const storedSchema = v.object({
  ticket: v.nullable(
    v.object({
      resumeToken: v.pipe(v.string(), v.regex(RESUME_TOKEN_PATTERN)),
      name: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxNameLength)),
      microphoneOn: v.boolean(),
      cameraOn: v.boolean(),
      /** When the page that saved it went away (Date.now()), or null while it is still open. */
      leftAt: v.nullable(v.number()),
    }),
  ),
  epochs: v.record(
    v.pipe(v.string(), v.regex(PEER_ID_PATTERN)),
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.maxEpoch)),
  ),
});
type Stored = v.InferOutput<typeof storedSchema>;

type SessionStorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export class ReloadMemory implements EpochMemory {
  private stored: Stored;

  constructor(
    private readonly key: string,
    private readonly storage: SessionStorageLike | null,
    private readonly now: () => number = Date.now,
  ) {
    this.stored = this.read();
  }

  /** This tab's memory of the call in `roomId`, or one that forgets everything if storage is blocked. */
  static forRoom(roomId: string): ReloadMemory {
    let storage: SessionStorageLike | null = null;
    try {
      storage = globalThis.sessionStorage ?? null;
    } catch {
      // Storage disabled by the browser's settings: a reload then lands in the lobby.
    }
    return new ReloadMemory(`meshcall.call.${roomId}`, storage);
  }

  /** The ticket a page of this tab left as it went away moments ago (a reload), if any. */
  rejoinTicket(): RejoinTicket | null {
    const ticket = this.stored.ticket;
    if (!ticket || ticket.leftAt === null) return null;
    const age = this.now() - ticket.leftAt;
    if (age < 0 || age > REJOIN_WITHIN_MS) return null;
    const { resumeToken, name, microphoneOn, cameraOn } = ticket;
    return { resumeToken, name, microphoneOn, cameraOn };
  }

  /**
   * Keeps the ticket to rejoin with: on every `joined` (`leaving: false`), and as the page goes
   * away (`leaving: true`), which is what lets the next page of this tab use it.
   */
  saveTicket(ticket: RejoinTicket, { leaving }: { leaving: boolean }): void {
    this.stored.ticket = { ...ticket, leftAt: leaving ? this.now() : null };
    this.write();
  }

  recall(peerId: string): number | undefined {
    return this.stored.epochs[peerId];
  }

  remember(peerId: string, epoch: number): void {
    if (this.stored.epochs[peerId] === epoch) return;
    this.stored.epochs[peerId] = epoch;
    this.write();
  }

  forget(peerId: string): void {
    if (!(peerId in this.stored.epochs)) return;
    delete this.stored.epochs[peerId];
    this.write();
  }

  /** The server took us in afresh: the links remembered were to peers that are gone for us. */
  forgetEpochs(): void {
    this.stored.epochs = {};
    this.write();
  }

  /** The person left on purpose: a reload now shows the lobby. */
  clear(): void {
    this.stored = { ticket: null, epochs: {} };
    try {
      this.storage?.removeItem(this.key);
    } catch {
      // Nothing to forget then.
    }
  }

  private read(): Stored {
    try {
      const raw = this.storage?.getItem(this.key);
      if (raw) {
        const parsed = v.safeParse(storedSchema, JSON.parse(raw));
        if (parsed.success) return parsed.output;
      }
    } catch {
      // Unreadable or not ours: start afresh.
    }
    return { ticket: null, epochs: {} };
  }

  private write(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.stored));
    } catch {
      // Storage full or blocked: a reload will show the lobby, nothing worse.
    }
  }
}

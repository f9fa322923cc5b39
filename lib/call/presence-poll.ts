import type { ClientMessage } from '../signaling/protocol';

/** How often the lobby asks who is in the call; the server allows one query every two seconds. */
export const PRESENCE_POLL_MS = 4_000;

export interface PresencePollOptions {
  roomId: string;
  /** Whether an answer would be shown now: in the lobby, or while the call is full. */
  wanted(): boolean;
  /** Sends on the signaling socket; false while it is not open. */
  send(message: Extract<ClientMessage, { type: 'presence' }>): boolean;
  intervalMs?: number;
}

export interface PresencePoll {
  /** Asks at once, e.g. as soon as the socket opens. */
  askNow(): void;
  stop(): void;
}

/**
 * Keeps asking the server who is in the room while the person waits to join, so the lobby can
 * say "Ann and Ben are in this call" (or that nobody is, a hint the code is mistyped) and a full
 * call's page can see a seat free up. Answers arrive as `presence` messages.
 */
export function pollPresence(options: PresencePollOptions): PresencePoll {
  const ask = () => {
    if (options.wanted()) options.send({ type: 'presence', roomId: options.roomId });
  };
  const timer = setInterval(ask, options.intervalMs ?? PRESENCE_POLL_MS);
  return { askNow: ask, stop: () => clearInterval(timer) };
}

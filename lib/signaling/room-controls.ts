/**
 * A room's host controls as plain data, and the pure rules over them: who is host, who may do
 * what, who gets in and how, and who takes over when the host leaves. No sockets, no clocks, no
 * storage: the hub reads a `RoomControls`, applies one of these functions and writes the result
 * back where the room lives, so the same rules hold in one process or shared through Redis.
 */
import type { RoomControlsView } from './protocol';

/** How long a declined knocker waits before knocking again. */
export const KNOCK_COOLDOWN_MS = 30_000;

export interface RoomControls {
  /** The host's peer id; null before the first person is in. */
  hostPeerId: string | null;
  /** SHA-256 of the host's key, so a reload that could not resume still finds its role. */
  hostKeyHash: string | null;
  locked: boolean;
  /** The password's slow hash (`lib/server/password-hash.ts`), or null for none. */
  passwordHash: string | null;
  waitingRoom: boolean;
  /** Raised hands, earliest first. */
  hands: string[];
  /** Addresses the host removed someone from: they must knock, even with the waiting room off. */
  mustKnock: string[];
}

export function emptyControls(): RoomControls {
  return {
    hostPeerId: null,
    hostKeyHash: null,
    locked: false,
    passwordHash: null,
    waitingRoom: false,
    hands: [],
    mustKnock: [],
  };
}

/** What everyone in the room is told: never the password hash, the key hash or addresses. */
export function viewOf(controls: RoomControls): RoomControlsView {
  return {
    hostPeerId: controls.hostPeerId,
    locked: controls.locked,
    hasPassword: controls.passwordHash !== null,
    waitingRoom: controls.waitingRoom,
    hands: [...controls.hands],
  };
}

export const HOST_ACTIONS = [
  'host-key',
  'hand-over',
  'lock',
  'set-password',
  'waiting-room',
  'admit',
  'decline',
  'remove',
  'mute-request',
  'end-call',
] as const;
export type HostAction = (typeof HOST_ACTIONS)[number];

export function isHostAction(type: string): type is HostAction {
  return (HOST_ACTIONS as readonly string[]).includes(type);
}

export type Refusal = {
  ok: false;
  code: 'not-host' | 'room-locked' | 'password-required' | 'knock-too-soon' | 'unknown-peer';
  message: string;
  retryAfterMs?: number;
};

/** Whether `peerId` may take host action `action`. */
export function authorize(
  controls: RoomControls,
  peerId: string,
  action: HostAction,
): { ok: true } | Refusal {
  if (controls.hostPeerId === peerId) return { ok: true };
  return {
    ok: false,
    code: 'not-host',
    message: `Only the host can do that (${action}).`,
  };
}

export interface Joiner {
  /** The hash of the host key the joiner presented, if any. */
  hostKeyHash: string | null;
  /** Whether the join carried a password (checked separately, since the hash is slow). */
  hasPassword: boolean;
  address: string;
}

/**
 * How a fresh join (not a resume) gets in. The host's key passes every gate, as does the first
 * person in an empty room. Otherwise: a locked room refuses, a password must be checked, and a
 * waiting room (or an earlier removal from this address) makes the joiner knock. Whether a
 * declined address may knock again yet is the waiting list's to say (`WaitingList.knock`).
 */
export type Admission =
  | { ok: true; as: 'host' | 'member' }
  | { ok: true; as: 'knock' }
  | { ok: true; as: 'check-password' }
  | Refusal;

export function admit(
  controls: RoomControls,
  joiner: Joiner,
  roomIsEmpty: boolean,
  passwordChecked = false,
): Admission {
  if (roomIsEmpty && controls.hostPeerId === null) return { ok: true, as: 'host' };
  if (joiner.hostKeyHash !== null && joiner.hostKeyHash === controls.hostKeyHash) {
    return { ok: true, as: 'host' };
  }
  if (controls.locked) {
    return {
      ok: false,
      code: 'room-locked',
      message: 'The host has locked this call: nobody new can join.',
    };
  }
  if (controls.passwordHash !== null && !passwordChecked) {
    if (!joiner.hasPassword) {
      return {
        ok: false,
        code: 'password-required',
        message: 'This call has a password: type it to join.',
      };
    }
    return { ok: true, as: 'check-password' };
  }
  if (controls.waitingRoom || controls.mustKnock.includes(joiner.address)) {
    return { ok: true, as: 'knock' };
  }
  return { ok: true, as: 'member' };
}

/** The joiner is in: records it as host if that is how it got in. */
export function joined(
  controls: RoomControls,
  peerId: string,
  as: 'host' | 'member',
  hostKeyHash: string | null,
): RoomControls {
  if (as === 'member') return controls;
  return { ...controls, hostPeerId: peerId, hostKeyHash: hostKeyHash ?? controls.hostKeyHash };
}

/**
 * Someone left. If it was the host, the role passes to whoever has been there longest (lowest
 * join order); the old key stops working, and the new host's browser registers its own. Their
 * hand is lowered. Null once the room is empty: the room's controls go with it.
 */
export function left(
  controls: RoomControls,
  peerId: string,
  remaining: readonly { peerId: string; joinOrder: number }[],
): RoomControls | null {
  if (remaining.length === 0) return null;
  const hands = controls.hands.filter((id) => id !== peerId);
  if (controls.hostPeerId !== peerId) return { ...controls, hands };
  const longest = remaining.reduce((a, b) => (b.joinOrder < a.joinOrder ? b : a));
  return { ...controls, hands, hostPeerId: longest.peerId, hostKeyHash: null };
}

/** The host hands the role to `to`; the old key stops working. */
export function handOver(controls: RoomControls, to: string): RoomControls {
  return { ...controls, hostPeerId: to, hostKeyHash: null };
}

/** Raises or lowers a hand; a hand raised again keeps its place in the queue. */
export function setHand(controls: RoomControls, peerId: string, raised: boolean): RoomControls {
  if (raised && controls.hands.includes(peerId)) return controls;
  const others = controls.hands.filter((id) => id !== peerId);
  return { ...controls, hands: raised ? [...others, peerId] : others };
}

/** The host admitted a knock from `address`: it need not knock again (unless the waiting room
 * is on). */
export function admitted(controls: RoomControls, address: string): RoomControls {
  if (!controls.mustKnock.includes(address)) return controls;
  return { ...controls, mustKnock: controls.mustKnock.filter((known) => known !== address) };
}

/** The host removed someone: from now on their address must knock. */
export function removed(controls: RoomControls, peerId: string, address: string): RoomControls {
  const mustKnock = controls.mustKnock.includes(address)
    ? controls.mustKnock
    : [...controls.mustKnock, address];
  return { ...controls, hands: controls.hands.filter((id) => id !== peerId), mustKnock };
}

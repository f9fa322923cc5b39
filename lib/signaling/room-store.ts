import type { MediaState } from './protocol';

export interface RoomMember {
  peerId: string;
  name: string;
  media: MediaState;
  /** Increases with every join on this store; the later joiner of a pair is the polite one. */
  joinOrder: number;
}

export type JoinOutcome =
  { ok: true; member: RoomMember; others: readonly RoomMember[] } | { ok: false; reason: 'full' };

/**
 * Who is in which room. This is the seam for a distributed backplane: an implementation backed by a
 * shared store (Redis, say) replaces this one, and the hub above it does not change.
 */
export interface RoomStore {
  readonly capacity: number;
  join(roomId: string, member: Omit<RoomMember, 'joinOrder'>): JoinOutcome;
  /** Removes the member and forgets the room once it is empty. Returns who is still there. */
  leave(roomId: string, peerId: string): readonly RoomMember[];
  member(roomId: string, peerId: string): RoomMember | undefined;
  members(roomId: string): readonly RoomMember[];
  updateMedia(roomId: string, peerId: string, media: MediaState): void;
  counts(): { rooms: number; peers: number };
}

export class InMemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Map<string, RoomMember>>();
  private peerCount = 0;
  private nextJoinOrder = 1;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Room capacity must be a positive integer, got ${capacity}`);
    }
  }

  join(roomId: string, candidate: Omit<RoomMember, 'joinOrder'>): JoinOutcome {
    let room = this.rooms.get(roomId);
    if (room && room.size >= this.capacity) return { ok: false, reason: 'full' };
    const others = room ? [...room.values()] : [];
    if (!room) {
      room = new Map();
      this.rooms.set(roomId, room);
    }
    const member: RoomMember = { ...candidate, joinOrder: this.nextJoinOrder++ };
    room.set(member.peerId, member);
    this.peerCount++;
    return { ok: true, member, others };
  }

  leave(roomId: string, peerId: string): readonly RoomMember[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    if (room.delete(peerId)) this.peerCount--;
    if (room.size === 0) {
      this.rooms.delete(roomId);
      return [];
    }
    return [...room.values()];
  }

  member(roomId: string, peerId: string): RoomMember | undefined {
    return this.rooms.get(roomId)?.get(peerId);
  }

  members(roomId: string): readonly RoomMember[] {
    const room = this.rooms.get(roomId);
    return room ? [...room.values()] : [];
  }

  updateMedia(roomId: string, peerId: string, media: MediaState): void {
    const member = this.rooms.get(roomId)?.get(peerId);
    if (member) member.media = media;
  }

  counts(): { rooms: number; peers: number } {
    return { rooms: this.rooms.size, peers: this.peerCount };
  }
}

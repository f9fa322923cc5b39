import { describe, expect, it } from 'vitest';
import { InMemoryRoomStore } from './room-store';

const MEDIA = { audio: true, video: true, screen: null };
const member = (peerId: string) => ({ peerId, name: peerId, media: MEDIA });

describe('InMemoryRoomStore', () => {
  it('returns who was already there, in join order', () => {
    const store = new InMemoryRoomStore(6);
    store.join('room', member('a'));
    store.join('room', member('b'));
    const outcome = store.join('room', member('c'));
    expect(outcome.ok && outcome.others.map((other) => other.peerId)).toEqual(['a', 'b']);
    expect(store.members('room').map((m) => m.peerId)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a newcomer to a full room, and admits one after someone leaves', () => {
    const store = new InMemoryRoomStore(2);
    store.join('room', member('a'));
    store.join('room', member('b'));
    expect(store.join('room', member('c'))).toEqual({ ok: false, reason: 'full' });
    store.leave('room', 'a');
    expect(store.join('room', member('c')).ok).toBe(true);
  });

  it('keeps rooms apart', () => {
    const store = new InMemoryRoomStore(2);
    store.join('one', member('a'));
    store.join('two', member('b'));
    expect(store.member('one', 'b')).toBeUndefined();
    expect(store.members('two').map((m) => m.peerId)).toEqual(['b']);
  });

  it('forgets a room once it is empty', () => {
    const store = new InMemoryRoomStore(6);
    store.join('room', member('a'));
    store.join('room', member('b'));
    expect(store.counts()).toEqual({ rooms: 1, peers: 2 });
    expect(store.leave('room', 'a').map((m) => m.peerId)).toEqual(['b']);
    expect(store.leave('room', 'b')).toEqual([]);
    expect(store.counts()).toEqual({ rooms: 0, peers: 0 });
    expect(store.leave('room', 'b')).toEqual([]);
  });

  it('gives later joiners a higher join order', () => {
    const store = new InMemoryRoomStore(6);
    const first = store.join('room', member('a'));
    const second = store.join('room', member('b'));
    expect(first.ok && second.ok && second.member.joinOrder > first.member.joinOrder).toBe(true);
  });

  it('rejects a nonsensical capacity', () => {
    expect(() => new InMemoryRoomStore(0)).toThrow(RangeError);
  });
});

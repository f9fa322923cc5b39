import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../signaling/protocol';
import { announcementsBetween, type Announcement } from './announcements';
import { createCallStore } from './call-store';

const MEDIA = { audio: true, video: true, screen: null };
const SELF = 'SSSSSSSSSSSS';
const bob: PeerInfo = { peerId: 'BBBBBBBBBBBB', name: 'Bob', media: MEDIA, polite: false };
const carol: PeerInfo = { peerId: 'CCCCCCCCCCCC', name: 'Carol', media: MEDIA, polite: true };
const controls = (hands: string[]) => ({
  hostPeerId: SELF,
  locked: false,
  hasPassword: false,
  waitingRoom: false,
  hands,
});

/** Every announcement the store's changes make, in order. */
function announcer() {
  const store = createCallStore('abc-defg-hij');
  const heard: Announcement[] = [];
  store.subscribe((after, before) => heard.push(...announcementsBetween(before, after)));
  return { actions: store.getState().actions, heard };
}

describe('call announcements', () => {
  it('reads out no one on arrival, then who joins, raises or lowers a hand, and leaves', () => {
    const { actions, heard } = announcer();
    actions.joined(SELF, [bob]);
    expect(heard).toEqual([]);

    actions.participantJoined(carol);
    actions.setControls(controls([carol.peerId]));
    actions.setControls(controls([]));
    actions.participantLeft(bob.peerId);
    expect(heard).toEqual([
      { key: 'joined', name: 'Carol' },
      { key: 'raisedHand', name: 'Carol' },
      { key: 'loweredHand', name: 'Carol' },
      { key: 'left', name: 'Bob' },
    ]);
  });

  it("says nothing of this person's own hand, and no lowering for someone who left", () => {
    const { actions, heard } = announcer();
    actions.joined(SELF, [bob]);
    actions.setControls(controls([SELF, bob.peerId]));
    actions.participantLeft(bob.peerId);
    actions.setControls(controls([SELF]));
    expect(heard).toEqual([
      { key: 'raisedHand', name: 'Bob' },
      { key: 'left', name: 'Bob' },
    ]);
  });

  it('is silent outside the call', () => {
    const { actions, heard } = announcer();
    actions.participantJoined(carol);
    expect(heard).toEqual([]);
  });
});

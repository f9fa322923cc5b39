import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../signaling/protocol';
import { createCallStore } from './call-store';

const ROOM = 'abc-defg-hij';
const MEDIA = { audio: true, video: true, screen: null };
const bob: PeerInfo = { peerId: 'BBBBBBBBBBBB', name: 'Bob', media: MEDIA, polite: false };
const carol: PeerInfo = { peerId: 'CCCCCCCCCCCC', name: 'Carol', media: MEDIA, polite: true };

function store(initial?: Parameters<typeof createCallStore>[1]) {
  const created = createCallStore(ROOM, initial);
  return { get: () => created.getState(), actions: created.getState().actions };
}

describe('call store', () => {
  it('starts in the lobby with the remembered choices', () => {
    const s = store({
      displayName: 'Ann',
      quality: 'audio-only',
      selectedDevices: { camera: 'cam-2' },
    });
    expect(s.get()).toMatchObject({
      roomId: ROOM,
      phase: 'lobby',
      displayName: 'Ann',
      quality: 'audio-only',
      cameraOn: false,
      microphoneOn: true,
      selectedDevices: { camera: 'cam-2', microphone: null, speaker: null },
    });
    expect(store().get().cameraOn).toBe(true);
  });

  it('allows relay-only only where a relay exists, and forces it where the server says so', () => {
    expect(store({ relayOnly: true }).get().relayOnly).toBe(false);
    expect(
      store({ relayOnly: true, relay: { available: true, forced: false } }).get().relayOnly,
    ).toBe(true);
    const forced = store({ relay: { available: true, forced: true } });
    expect(forced.get().relayOnly).toBe(true);
    forced.actions.setRelayOnly(false);
    expect(forced.get().relayOnly).toBe(true);
  });

  it('enters the call with the peers there, keeping what it knew of those seen before', () => {
    const s = store();
    s.actions.setNotice('This call is full.');
    s.actions.joined('SSSSSSSSSSSS', [bob]);
    expect(s.get()).toMatchObject({ phase: 'in-call', selfPeerId: 'SSSSSSSSSSSS', notice: null });
    s.actions.participantLink(bob.peerId, 'connected');
    s.actions.participantSpeaking(bob.peerId, true);
    // A resume: Bob is still there (his link state carries over), Carol is new.
    s.actions.joined('SSSSSSSSSSSS', [{ ...bob, name: 'Robert' }, carol]);
    expect([...s.get().participants.values()]).toEqual([
      {
        peerId: bob.peerId,
        name: 'Robert',
        media: MEDIA,
        link: 'connected',
        problem: null,
        speaking: true,
        recording: false,
      },
      {
        peerId: carol.peerId,
        name: 'Carol',
        media: MEDIA,
        link: 'connecting',
        problem: null,
        speaking: false,
        recording: false,
      },
    ]);
  });

  it('adds each person once, updates them by replacing the map, and removes them', () => {
    const s = store();
    s.actions.participantJoined(bob);
    const once = s.get().participants;
    s.actions.participantJoined({ ...bob, name: 'Impostor' });
    expect(s.get().participants).toBe(once);

    s.actions.participantLink(bob.peerId, 'failed', 'blocked');
    expect(s.get().participants).not.toBe(once);
    expect(once.get(bob.peerId)?.link).toBe('connecting');
    expect(s.get().participants.get(bob.peerId)).toMatchObject({
      link: 'failed',
      problem: 'blocked',
    });
    s.actions.participantLink(bob.peerId, 'connected');
    expect(s.get().participants.get(bob.peerId)?.problem).toBeNull();

    const media = { audio: false, video: false, screen: 'screen-stream' };
    s.actions.participantMedia(bob.peerId, media);
    expect(s.get().participants.get(bob.peerId)?.media).toEqual(media);

    s.actions.participantLeft(bob.peerId);
    expect(s.get().participants.size).toBe(0);
  });

  it('leaves the state untouched for changes that change nothing, or name nobody', () => {
    const s = store();
    s.actions.participantJoined(bob);
    const before = s.get();
    s.actions.participantLink(bob.peerId, 'connecting');
    s.actions.participantSpeaking(bob.peerId, false);
    s.actions.participantSpeaking('XXXXXXXXXXXX', true);
    s.actions.participantLeft('XXXXXXXXXXXX');
    s.actions.setLocalSpeaking(false);
    expect(s.get()).toBe(before);
    s.actions.clearParticipants();
    expect(s.get().participants.size).toBe(0);
  });

  it('counts unread messages from others while the chat is closed', () => {
    const s = store();
    const entry = (id: string, peerId: string | null) => ({
      id,
      peerId,
      name: 'x',
      text: 't',
      at: 0,
    });
    s.actions.addChat(entry('1', bob.peerId));
    s.actions.addChat(entry('2', null));
    expect(s.get().unreadChat).toBe(1);
    s.actions.setOpenPanel('chat');
    expect(s.get().unreadChat).toBe(0);
    s.actions.addChat(entry('3', bob.peerId));
    expect(s.get().unreadChat).toBe(0);
    s.actions.togglePanel('chat');
    expect(s.get().openPanel).toBeNull();
    s.actions.togglePanel('participants');
    expect(s.get().openPanel).toBe('participants');
    s.actions.addChat(entry('4', bob.peerId));
    expect(s.get().unreadChat).toBe(1);
    expect(s.get().chat.map((message) => message.id)).toEqual(['1', '2', '3', '4']);
  });

  it('keeps the last 500 chat messages and the last 3 notices', () => {
    const s = store();
    for (let i = 0; i < 510; i++)
      s.actions.addChat({ id: String(i), peerId: null, name: 'Ann', text: 't', at: i });
    expect(s.get().chat).toHaveLength(500);
    expect(s.get().chat[0]?.id).toBe('10');

    const keys = ['screenShareFailed', 'hostMutedYou', 'deviceLost', 'deviceReplaced'] as const;
    for (const key of keys) s.actions.pushNotice({ key });
    expect(s.get().notices.map((notice) => notice.text.key)).toEqual(keys.slice(1));
    s.actions.dismissNotice(s.get().notices[0]!.id);
    expect(s.get().notices.map((notice) => notice.text.key)).toEqual(keys.slice(2));
  });

  it('records devices, access and signaling as they change', () => {
    const s = store();
    s.actions.setDeviceAccess({ microphone: 'granted' });
    s.actions.setDeviceAccess({ camera: 'denied' });
    expect(s.get()).toMatchObject({ microphoneAccess: 'granted', cameraAccess: 'denied' });
    s.actions.setSelectedDevice('speaker', 'spk-1');
    expect(s.get().selectedDevices.speaker).toBe('spk-1');
    s.actions.setSignaling('unavailable', 'not-running');
    expect(s.get()).toMatchObject({ signaling: 'unavailable', signalingProblem: 'not-running' });
    s.actions.setSignaling('open');
    expect(s.get().signalingProblem).toBeNull();
  });
});

import { createStore } from 'zustand/vanilla';
import type { MediaState, PeerInfo } from '../signaling/protocol';

/**
 * UI state of one call page. It holds plain data only: peer connections, media streams and the
 * socket live in the CallController, which writes here through the actions below.
 */

export type CallPhase = 'lobby' | 'joining' | 'in-call' | 'left' | 'room-full';

/** The signaling socket, as the person should understand it. */
export type SignalingStatus = 'connecting' | 'open' | 'reconnecting' | 'unavailable';

/** A remote participant's media link, simplified from `RTCPeerConnectionState`. */
export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface Participant {
  peerId: string;
  name: string;
  media: MediaState;
  link: LinkStatus;
  speaking: boolean;
}

/** What the browser gave us for one kind of device. */
export type DeviceAccess = 'pending' | 'granted' | 'denied' | 'missing' | 'failed';

export interface CallState {
  roomId: string;
  phase: CallPhase;
  signaling: SignalingStatus;
  /** Why signaling is unavailable, in words a person can act on. */
  signalingProblem: string | null;
  selfPeerId: string | null;
  displayName: string;
  microphoneOn: boolean;
  cameraOn: boolean;
  microphoneAccess: DeviceAccess;
  cameraAccess: DeviceAccess;
  /** Remote participants in join order. Replaced, never mutated, on every change. */
  participants: ReadonlyMap<string, Participant>;
  /** A one-line message about the call as a whole, such as a refused join. */
  notice: string | null;
}

export interface CallActions {
  setPhase(phase: CallPhase): void;
  setSignaling(status: SignalingStatus, problem?: string | null): void;
  setDisplayName(name: string): void;
  setDeviceAccess(access: { microphone?: DeviceAccess; camera?: DeviceAccess }): void;
  setMicrophoneOn(on: boolean): void;
  setCameraOn(on: boolean): void;
  joined(selfPeerId: string, peers: readonly PeerInfo[]): void;
  participantJoined(peer: PeerInfo): void;
  participantLeft(peerId: string): void;
  participantMedia(peerId: string, media: MediaState): void;
  participantLink(peerId: string, link: LinkStatus): void;
  participantSpeaking(peerId: string, speaking: boolean): void;
  clearParticipants(): void;
  setNotice(notice: string | null): void;
}

export type CallStoreState = CallState & { actions: CallActions };
export type CallStore = ReturnType<typeof createCallStore>;

export function createCallStore(roomId: string, displayName = '') {
  return createStore<CallStoreState>()((set) => {
    const updateParticipant = (peerId: string, patch: Partial<Participant>) =>
      set((state) => {
        const current = state.participants.get(peerId);
        if (!current) return state;
        const participants = new Map(state.participants);
        participants.set(peerId, { ...current, ...patch });
        return { participants };
      });

    return {
      roomId,
      phase: 'lobby',
      signaling: 'connecting',
      signalingProblem: null,
      selfPeerId: null,
      displayName,
      microphoneOn: true,
      cameraOn: true,
      microphoneAccess: 'pending',
      cameraAccess: 'pending',
      participants: new Map(),
      notice: null,
      actions: {
        setPhase: (phase) => set({ phase }),
        setSignaling: (signaling, problem = null) => set({ signaling, signalingProblem: problem }),
        setDisplayName: (name) => set({ displayName: name }),
        setDeviceAccess: ({ microphone, camera }) =>
          set((state) => ({
            microphoneAccess: microphone ?? state.microphoneAccess,
            cameraAccess: camera ?? state.cameraAccess,
          })),
        setMicrophoneOn: (microphoneOn) => set({ microphoneOn }),
        setCameraOn: (cameraOn) => set({ cameraOn }),
        joined: (selfPeerId, peers) =>
          set((state) => {
            const participants = new Map<string, Participant>();
            for (const peer of peers) {
              const known = state.participants.get(peer.peerId);
              participants.set(peer.peerId, {
                peerId: peer.peerId,
                name: peer.name,
                media: peer.media,
                link: known?.link ?? 'connecting',
                speaking: known?.speaking ?? false,
              });
            }
            return { selfPeerId, participants, phase: 'in-call', notice: null };
          }),
        participantJoined: (peer) =>
          set((state) => {
            if (state.participants.has(peer.peerId)) return state;
            const participants = new Map(state.participants);
            participants.set(peer.peerId, {
              peerId: peer.peerId,
              name: peer.name,
              media: peer.media,
              link: 'connecting',
              speaking: false,
            });
            return { participants };
          }),
        participantLeft: (peerId) =>
          set((state) => {
            if (!state.participants.has(peerId)) return state;
            const participants = new Map(state.participants);
            participants.delete(peerId);
            return { participants };
          }),
        participantMedia: (peerId, media) => updateParticipant(peerId, { media }),
        participantLink: (peerId, link) => updateParticipant(peerId, { link }),
        participantSpeaking: (peerId, speaking) => updateParticipant(peerId, { speaking }),
        clearParticipants: () => set({ participants: new Map() }),
        setNotice: (notice) => set({ notice }),
      },
    };
  });
}

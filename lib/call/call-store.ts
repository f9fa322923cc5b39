import { createStore } from 'zustand/vanilla';
import { DEFAULT_AUDIO_PROCESSING, type AudioProcessing } from '../media/audio-processing';
import type { DeviceAccess, DeviceLists } from '../media/devices';
import { DEFAULT_VIDEO_QUALITY, type VideoQuality } from '../media/video-quality';
import type {
  Knock,
  MediaState,
  PeerInfo,
  Reaction,
  RoomControlsView,
  RoomMode,
  RoomPresence,
} from '../signaling/protocol';
import type { SafetyView } from '../trust/peer-verification';
import type { LinkFigures } from '../stats/link-stats';
import type { TransferView } from '../files/file-transfers';
import type { NoticeText } from '../i18n/user-text';
import type { LinkProblem } from './link-diagnosis';

/**
 * UI state of one call page. It holds plain data only: peer connections, media streams and the
 * socket live in the CallController, which writes here through the actions below.
 */

/** `waiting`: knocked, and waiting for the host. `removed` and `ended`: the host's doing. */
/** Background blur: `starting` while its model loads, `on` once others see the blurred picture. */
export type BackgroundBlurState = 'off' | 'starting' | 'on';

export type CallPhase =
  'lobby' | 'joining' | 'waiting' | 'in-call' | 'left' | 'room-full' | 'removed' | 'ended';

/** Why the server would not let this person in (shown in the lobby). */
export interface JoinRefusal {
  code: 'room-locked' | 'password-required' | 'wrong-password' | 'knock-too-soon' | 'declined';
  /** After `declined`: how long until this person may knock again. */
  retryAfterSeconds?: number;
}

/** A reaction floating over a tile for a moment. */
export interface ShownReaction {
  id: number;
  /** Null for this person's own. */
  peerId: string | null;
  reaction: Reaction;
}

/** The signaling socket, as the person should understand it. */
export type SignalingStatus = 'connecting' | 'open' | 'reconnecting' | 'unavailable';

/**
 * Why signaling is unavailable: its server is not running, it runs another version than this
 * page, or it cannot be reached (still retrying). The lobby says each in the person's language.
 */
export type SignalingProblem =
  | 'not-running'
  | 'version-mismatch'
  | 'unreachable'
  /** The call's lazily loaded code did not arrive (a deploy replaced it, or the network dropped). */
  | 'code-load-failed';

/** A remote participant's media link, simplified from `RTCPeerConnectionState`. */
export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface Participant {
  peerId: string;
  name: string;
  media: MediaState;
  link: LinkStatus;
  /** Why the link failed, for the person to read; null while it is fine or still trying. */
  problem: LinkProblem | null;
  speaking: boolean;
  /** They say they are recording the call (over their own link, not through the server). */
  recording: boolean;
}

export type { DeviceAccess } from '../media/devices';

export interface ChatEntry {
  id: string;
  /** Null for messages this person sent. */
  peerId: string | null;
  name: string;
  text: string;
  /** When it was sent or received, in this browser's clock (ms since epoch). */
  at: number;
}

export interface Notice {
  id: number;
  text: NoticeText;
}

export type SidePanel = 'chat' | 'participants' | null;

/**
 * How media travels: straight between browsers (each link has a safety code), or through a media
 * server that decrypts it (an SFU: no code could prove anything, and the People panel says so).
 */
export type MediaPath = 'peer-to-peer' | 'media-server';

/** How a picture sits in its tile: whole ("fit"), or cropped to fill the tile ("fill"). */
export type VideoFit = 'fit' | 'fill';

export interface SelectedDevices {
  camera: string | null;
  microphone: string | null;
  speaker: string | null;
}

export interface CallState {
  roomId: string;
  phase: CallPhase;
  signaling: SignalingStatus;
  /** Why signaling is unavailable. */
  signalingProblem: SignalingProblem | null;
  selfPeerId: string | null;
  displayName: string;
  microphoneOn: boolean;
  cameraOn: boolean;
  microphoneAccess: DeviceAccess;
  cameraAccess: DeviceAccess;
  quality: VideoQuality;
  devices: DeviceLists;
  selectedDevices: SelectedDevices;
  localSpeaking: boolean;
  /** Send media only through a TURN relay, hiding this person's IP addresses from the others. */
  relayOnly: boolean;
  /** Whether this server has a relay, and whether it insists on one for everybody. */
  relayAvailable: boolean;
  relayForced: boolean;
  mediaPath: MediaPath;
  /**
   * How the server says the room carries media (`joined`, then `room-mode`). `mediaPath` follows it
   * only once this page's media really flows that way.
   */
  roomMode: RoomMode;
  /** Safety codes of peer-to-peer links, by peer id, once each link is connected. */
  safetyCodes: ReadonlyMap<string, SafetyView>;
  /** Remote participants in join order. Replaced, never mutated, on every change. */
  participants: ReadonlyMap<string, Participant>;
  chat: readonly ChatEntry[];
  unreadChat: number;
  openPanel: SidePanel;
  videoFit: VideoFit;
  /** Background blur: off (the default), loading its model, or blurring what others see. */
  backgroundBlur: BackgroundBlurState;
  /** The microphone's processing, as the person chose it (all on by default). */
  audioProcessing: AudioProcessing;
  /** Short messages about the call that fade on their own (a device fell back, a share ended). */
  notices: readonly Notice[];
  /** A one-line message about the call as a whole, such as a refused join. */
  notice: string | null;
  /** Who is in the call, as last asked from the lobby or a full call's page; null until known. */
  presence: RoomPresence | null;
  /** The room's host, lock, password, waiting room and hands; null outside the call. */
  controls: RoomControlsView | null;
  /** People knocking (the host's to admit or decline). */
  knocks: readonly Knock[];
  joinRefusal: JoinRefusal | null;
  reactions: readonly ShownReaction[];
  /** The latest connection figures of each remote person's link. */
  linkStats: ReadonlyMap<string, LinkFigures>;
  /** Whose connection figures are open in the stats panel. */
  statsPeerId: string | null;
  /** Files being sent or received, and finished ones until dismissed. */
  transfers: readonly TransferView[];
  /** This person is recording the call. */
  recording: boolean;
  /** The last recording, offered as a download until dismissed. */
  savedRecording: SavedRecording | null;
}

export interface SavedRecording {
  /** A blob: URL, offered only as a download. */
  url: string;
  fileName: string;
  bytes: number;
  /** How long it ran, from Record to Stop. */
  seconds: number;
}

export interface CallActions {
  setPhase(phase: CallPhase): void;
  setSignaling(status: SignalingStatus, problem?: SignalingProblem | null): void;
  setDisplayName(name: string): void;
  setDeviceAccess(access: { microphone?: DeviceAccess; camera?: DeviceAccess }): void;
  setMicrophoneOn(on: boolean): void;
  setCameraOn(on: boolean): void;
  setBackgroundBlur(state: BackgroundBlurState): void;
  setAudioProcessing(processing: AudioProcessing): void;
  setQuality(quality: VideoQuality): void;
  setDevices(devices: DeviceLists): void;
  setSelectedDevice(kind: keyof SelectedDevices, deviceId: string | null): void;
  setRelayOnly(relayOnly: boolean): void;
  setLocalSpeaking(speaking: boolean): void;
  joined(selfPeerId: string, peers: readonly PeerInfo[]): void;
  participantJoined(peer: PeerInfo): void;
  participantLeft(peerId: string): void;
  participantMedia(peerId: string, media: MediaState): void;
  participantLink(peerId: string, link: LinkStatus, problem?: LinkProblem | null): void;
  participantSpeaking(peerId: string, speaking: boolean): void;
  clearParticipants(): void;
  setSafetyCode(peerId: string, view: SafetyView | null): void;
  setMediaPath(path: MediaPath): void;
  setRoomMode(mode: RoomMode): void;
  addChat(entry: ChatEntry): void;
  setOpenPanel(panel: SidePanel): void;
  /** Opens `panel`, or closes it if it is already open. */
  togglePanel(panel: NonNullable<SidePanel>): void;
  setVideoFit(fit: VideoFit): void;
  pushNotice(text: NoticeText): void;
  dismissNotice(id: number): void;
  setNotice(notice: string | null): void;
  setPresence(presence: RoomPresence): void;
  setControls(controls: RoomControlsView | null): void;
  setKnocks(knocks: readonly Knock[]): void;
  setJoinRefusal(refusal: JoinRefusal | null): void;
  /** Shows a reaction; returns its id, to take it away when it has floated. */
  showReaction(peerId: string | null, reaction: Reaction): number;
  hideReaction(id: number): void;
  setLinkStats(peerId: string, figures: LinkFigures): void;
  showStats(peerId: string | null): void;
  setTransfers(transfers: readonly TransferView[]): void;
  setRecording(recording: boolean): void;
  setSavedRecording(saved: SavedRecording | null): void;
  participantRecording(peerId: string, recording: boolean): void;
}

export type CallStoreState = CallState & { actions: CallActions };
export type CallStore = ReturnType<typeof createCallStore>;

/** Older chat messages are dropped past this many, to bound memory in a long call. */
const MAX_CHAT_ENTRIES = 500;
const MAX_NOTICES = 3;

export interface InitialCallState {
  displayName?: string;
  quality?: VideoQuality;
  selectedDevices?: Partial<SelectedDevices>;
  relayOnly?: boolean;
  relay?: { available: boolean; forced: boolean };
  videoFit?: VideoFit;
  audioProcessing?: AudioProcessing;
  /** Blur wanted from the start: it runs as soon as there is a camera, which is not sent before. */
  backgroundBlur?: boolean;
}

export function createCallStore(roomId: string, initial: InitialCallState = {}) {
  let nextNoticeId = 1;
  let nextReactionId = 1;
  return createStore<CallStoreState>()((set, get) => {
    const updateParticipant = (peerId: string, patch: Partial<Participant>) =>
      set((state) => {
        const current = state.participants.get(peerId);
        if (
          !current ||
          Object.entries(patch).every(([key, value]) => current[key as keyof Participant] === value)
        ) {
          return state;
        }
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
      displayName: initial.displayName ?? '',
      microphoneOn: true,
      cameraOn: (initial.quality ?? DEFAULT_VIDEO_QUALITY) !== 'audio-only',
      microphoneAccess: 'pending',
      cameraAccess: 'pending',
      quality: initial.quality ?? DEFAULT_VIDEO_QUALITY,
      devices: { cameras: [], microphones: [], speakers: [] },
      selectedDevices: {
        camera: null,
        microphone: null,
        speaker: null,
        ...initial.selectedDevices,
      },
      localSpeaking: false,
      relayAvailable: initial.relay?.available ?? false,
      relayForced: initial.relay?.forced ?? false,
      relayOnly:
        (initial.relay?.forced ?? false) ||
        ((initial.relay?.available ?? false) && (initial.relayOnly ?? false)),
      participants: new Map(),
      mediaPath: 'peer-to-peer',
      roomMode: 'mesh',
      safetyCodes: new Map(),
      chat: [],
      unreadChat: 0,
      openPanel: null,
      videoFit: initial.videoFit ?? 'fit',
      backgroundBlur: initial.backgroundBlur ? 'starting' : 'off',
      audioProcessing: initial.audioProcessing ?? DEFAULT_AUDIO_PROCESSING,
      notices: [],
      notice: null,
      presence: null,
      controls: null,
      knocks: [],
      joinRefusal: null,
      reactions: [],
      linkStats: new Map(),
      statsPeerId: null,
      transfers: [],
      recording: false,
      savedRecording: null,
      actions: {
        // A count from before a refused join is stale: the full call's page waits for a fresh one.
        setPhase: (phase) => set(phase === 'room-full' ? { phase, presence: null } : { phase }),
        setSignaling: (signaling, problem = null) => set({ signaling, signalingProblem: problem }),
        setDisplayName: (name) => set({ displayName: name }),
        setDeviceAccess: ({ microphone, camera }) =>
          set((state) => ({
            microphoneAccess: microphone ?? state.microphoneAccess,
            cameraAccess: camera ?? state.cameraAccess,
          })),
        setMicrophoneOn: (microphoneOn) => set({ microphoneOn }),
        setCameraOn: (cameraOn) => set({ cameraOn }),
        setBackgroundBlur: (backgroundBlur) => set({ backgroundBlur }),
        setAudioProcessing: (audioProcessing) => set({ audioProcessing }),
        setQuality: (quality) => set({ quality }),
        setDevices: (devices) => set({ devices }),
        setSelectedDevice: (kind, deviceId) =>
          set((state) => ({ selectedDevices: { ...state.selectedDevices, [kind]: deviceId } })),
        setRelayOnly: (relayOnly) =>
          set((state) => ({ relayOnly: state.relayForced || relayOnly })),
        setLocalSpeaking: (localSpeaking) =>
          set((state) => (state.localSpeaking === localSpeaking ? state : { localSpeaking })),
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
                problem: known?.problem ?? null,
                speaking: known?.speaking ?? false,
                recording: known?.recording ?? false,
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
              problem: null,
              speaking: false,
              recording: false,
            });
            return { participants };
          }),
        participantLeft: (peerId) =>
          set((state) => {
            if (!state.participants.has(peerId)) return state;
            const participants = new Map(state.participants);
            participants.delete(peerId);
            const linkStats = new Map(state.linkStats);
            linkStats.delete(peerId);
            const statsPeerId = state.statsPeerId === peerId ? null : state.statsPeerId;
            return { participants, linkStats, statsPeerId };
          }),
        participantMedia: (peerId, media) => updateParticipant(peerId, { media }),
        participantLink: (peerId, link, problem = null) =>
          updateParticipant(peerId, { link, problem }),
        participantSpeaking: (peerId, speaking) => updateParticipant(peerId, { speaking }),
        clearParticipants: () =>
          set({
            participants: new Map(),
            controls: null,
            knocks: [],
            reactions: [],
            safetyCodes: new Map(),
            linkStats: new Map(),
            statsPeerId: null,
          }),
        setSafetyCode: (peerId, view) =>
          set((state) => {
            if (!view && !state.safetyCodes.has(peerId)) return state;
            const safetyCodes = new Map(state.safetyCodes);
            if (view) safetyCodes.set(peerId, view);
            else safetyCodes.delete(peerId);
            return { safetyCodes };
          }),
        setMediaPath: (mediaPath) => set({ mediaPath }),
        setRoomMode: (roomMode) => set({ roomMode }),
        addChat: (entry) =>
          set((state) => ({
            chat: [...state.chat, entry].slice(-MAX_CHAT_ENTRIES),
            unreadChat:
              state.openPanel === 'chat' || entry.peerId === null
                ? state.unreadChat
                : state.unreadChat + 1,
          })),
        setOpenPanel: (openPanel) =>
          set((state) => ({ openPanel, unreadChat: openPanel === 'chat' ? 0 : state.unreadChat })),
        togglePanel: (panel) =>
          get().actions.setOpenPanel(get().openPanel === panel ? null : panel),
        setVideoFit: (videoFit) => set({ videoFit }),
        pushNotice: (text) =>
          set((state) => ({
            notices: [...state.notices, { id: nextNoticeId++, text }].slice(-MAX_NOTICES),
          })),
        dismissNotice: (id) =>
          set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
        setNotice: (notice) => set({ notice }),
        setPresence: ({ roomId, count, capacity, names }) =>
          set({ presence: { roomId, count, capacity, names } }),
        setControls: (controls) => set({ controls }),
        setKnocks: (knocks) => set({ knocks }),
        setJoinRefusal: (joinRefusal) => set({ joinRefusal }),
        showReaction: (peerId, reaction) => {
          const id = nextReactionId++;
          // A handful at once is plenty to see; the oldest make way.
          set((state) => ({
            reactions: [...state.reactions, { id, peerId, reaction }].slice(-12),
          }));
          return id;
        },
        hideReaction: (id) =>
          set((state) => ({ reactions: state.reactions.filter((shown) => shown.id !== id) })),
        setLinkStats: (peerId, figures) =>
          set((state) => {
            if (!state.participants.has(peerId)) return state;
            const linkStats = new Map(state.linkStats);
            linkStats.set(peerId, figures);
            return { linkStats };
          }),
        showStats: (statsPeerId) => set({ statsPeerId }),
        setTransfers: (transfers) => set({ transfers }),
        setRecording: (recording) => set({ recording }),
        setSavedRecording: (savedRecording) => set({ savedRecording }),
        participantRecording: (peerId, recording) => updateParticipant(peerId, { recording }),
      },
    };
  });
}

import { saveMediaPreference, saveRelayOnly } from '../preferences';
import {
  assertNever,
  type PeerInfo,
  type Reaction,
  type RoomControlsView,
} from '../signaling/protocol';
import { keptDtlsCertificate } from '../trust/dtls-certificate';
import { PeerVerification } from '../trust/peer-verification';
import { VerifiedPeople } from '../trust/verified-people';
import { DisplayExchange } from '../webrtc/display-exchange';
import { MeshTransport } from '../webrtc/mesh-transport';
import type { AudioProcessing } from '../media/audio-processing';
import { SfuTransport } from '../webrtc/sfu-transport';
import type { VideoQuality } from '../media/video-quality';
import { CallChat } from './call-chat';
import { chatRoute } from './call-mode';
import type { CallStore } from './call-store';
import { loadHostKey, newHostKey, saveHostKey } from './host-key';
import { DisplayReporter, type TileHandle } from './display-reporter';
import { describeLinkFailure, linkCannotConnect } from './link-diagnosis';
import { LocalParticipant } from './local-participant';
import { MediaPaths } from './media-paths';
import type { MediaTransportContext, MediaTransportEvents } from './media-transport';
import { MediaRegistry } from './media-registry';
import { pollPresence, type PresencePoll } from './presence-poll';
import { watchPageLifecycle } from './page-lifecycle';
import { ReloadMemory, type RejoinTicket } from './reload-memory';
import { RemotePeers } from './remote-peers';
import {
  SignalingSession,
  type JoinedMessage,
  type RoomMessage,
  type RoomRequest,
} from './signaling-session';
import { sendAdaptationEnabled } from './send-adaptation-switch';
import { SpeakingMonitor } from './speaking-monitor';
import { monitorLinkStats } from '../stats/link-stats-monitor';
import { parseControlMessage, serializeControlMessage } from '../control/control-message';
import { FileTransfers } from '../files/file-transfers';
import { CallRecorder, recordingUnsupported } from '../recording/call-recorder';
import type { NoticeText } from '../i18n/user-text';
import { recordingFileName } from '../recording/recording-format';

/** How long a reaction floats over a tile. */
const REACTION_SHOWN_MS = 4_000;

export interface CallControllerOptions {
  /** Absolute ws:// or wss:// URL of the signaling endpoint. */
  signalingUrl: string;
  /** The custom server's health endpoint; a 404 there means signaling is not running at all. */
  healthUrl: string;
}

/** The parts of one run of the page, from `start()` to its teardown. */
interface CallRun {
  local: LocalParticipant;
  signaling: SignalingSession;
  /** The mesh, the SFU transport, or both while the call moves from one to the other. */
  transport: MediaPaths;
  /** Who is in the call, asked while the person waits in the lobby. */
  presence: PresencePoll;
  stopLinkStats: () => void;
}

/**
 * Runs one call page by coordinating modules that each do one job: `LocalParticipant` (this
 * person's camera, microphone and screen), `SignalingSession` (the room, over the socket), a
 * `MediaTransport` (media and data to the others; a mesh today), `RemotePeers` (what we keep per
 * person), `SpeakingMonitor`, `CallChat` and `ReloadMemory` (what survives a reload). React
 * renders from the store; only the controller and the modules it runs write to it. `start()`
 * returns its own teardown, and the pair can run again (React's strict mode does exactly that).
 */
export class CallController {
  readonly media = new MediaRegistry();

  private run: CallRun | null = null;
  private generation = 0;
  private readonly peers = new RemotePeers();
  private readonly reloadMemory: ReloadMemory;
  /** Left by a reload of this tab moments ago: the page rejoins without a click. */
  private readonly rejoin: RejoinTicket | null;
  private iceConfiguration: RTCConfiguration = {};
  /** The room password typed in the lobby, sent with every join until the call ends. */
  private password: string | undefined;
  private relayOnly = false;
  private readonly speaking = new SpeakingMonitor({
    microphoneOn: () => this.state.microphoneOn,
    remotePeople: () => this.remotePeopleForSpeaking(),
    remoteLevel: (peerId) => this.run?.transport.remoteAudioLevel(peerId) ?? 0,
    onLocalSpeaking: (speaking) => this.actions.setLocalSpeaking(speaking),
    onRemoteSpeaking: (peerId, speaking) => this.actions.participantSpeaking(peerId, speaking),
  });
  /** This browser's kept DTLS certificate (null: each connection makes its own), once loaded. */
  private certificate: Promise<RTCCertificate | null> | null = null;
  private dtlsCertificate: RTCCertificate | null = null;
  private verification: PeerVerification | null = null;
  private readonly chat = new CallChat({
    sendOverLinks: (data) => this.run?.transport.sendData('chat', data),
    sendThroughServer: ({ id, text }) => this.sendToRoom({ type: 'chat', id, text }),
    route: () => chatRoute(this.state.roomMode, this.state.mediaPath),
    senderName: (peerId) => this.state.participants.get(peerId)?.name,
    selfName: () => this.state.displayName,
    addEntry: (entry) => this.actions.addChat(entry),
  });
  /** Read once, when the page loads (a test-only setting). */
  private readonly adaptSending = sendAdaptationEnabled(
    typeof localStorage === 'undefined' ? null : localStorage,
  );
  private readonly displays = new DisplayReporter({
    send: (peerId, display) => this.run?.transport.showDisplay(peerId, display),
    pageVisible: () => document.visibilityState === 'visible',
  });

  private recorder: CallRecorder | null = null;
  private recordingFileName = '';
  private recordingStartedAt = 0;
  private readonly files = new FileTransfers({
    sendControl: (peerId, message) =>
      this.run?.transport.sendData('control', serializeControlMessage(message), peerId),
    openChannel: (peerId, label) => this.run?.transport.openChannel(peerId, label) ?? null,
    onChange: (transfers) => this.actions.setTransfers(transfers),
  });

  constructor(
    private readonly store: CallStore,
    private readonly options: CallControllerOptions,
  ) {
    this.reloadMemory = ReloadMemory.forRoom(store.getState().roomId);
    this.rejoin = this.reloadMemory.rejoinTicket();
  }

  private get state() {
    return this.store.getState();
  }

  private get actions() {
    return this.store.getState().actions;
  }

  start(): () => void {
    const generation = ++this.generation;
    const live = () => generation === this.generation;
    const rejoin = this.rejoin;
    if (rejoin) {
      this.actions.setDisplayName(rejoin.name);
      this.actions.setMicrophoneOn(rejoin.microphoneOn);
      this.actions.setCameraOn(rejoin.cameraOn);
    }
    this.actions.setPhase('lobby');
    this.certificate ??= keptDtlsCertificate().then((certificate) => {
      this.dtlsCertificate = certificate;
      return certificate;
    });
    this.verification ??= new PeerVerification({
      people: VerifiedPeople.inBrowser(),
      nameOf: (peerId) => this.state.participants.get(peerId)?.name ?? '',
      publish: (peerId, view) => this.actions.setSafetyCode(peerId, view),
    });

    const signaling: SignalingSession = new SignalingSession({
      url: this.options.signalingUrl,
      healthUrl: this.options.healthUrl,
      resumeToken: rejoin?.resumeToken,
      joinRequest: () => ({
        roomId: this.state.roomId,
        name: this.state.displayName,
        media: local.mediaState(),
        hostKey: loadHostKey(this.state.roomId),
        password: this.password,
      }),
      events: {
        onStatus: (status, problem) => {
          if (!live()) return;
          this.actions.setSignaling(status, problem);
          if (status === 'open') this.run?.presence.askNow();
        },
        onJoined: (message, restarted) => live() && this.onJoined(message, restarted),
        onRoomFull: (text) => live() && this.onRoomFull(text),
        onRefused: (refusal) => {
          if (!live()) return;
          this.actions.setPhase('lobby');
          this.actions.setJoinRefusal(refusal);
        },
        onMessage: (message) => live() && this.onRoomMessage(message),
      },
    });
    const context = (events: MediaTransportEvents): MediaTransportContext => ({
      sendSignal: (signal, holding) => signaling.sendSignal(signal, holding),
      canSignal: () => signaling.canSignal && this.state.phase === 'in-call',
      events,
    });
    const transport = new MediaPaths({
      createMesh: (events) =>
        new MeshTransport(
          context(events),
          this.reloadMemory,
          new DisplayExchange(this.adaptSending),
        ),
      createSfu: (events) => new SfuTransport(context(events)),
      events: this.transportEvents(live),
      onMediaPath: (path) => live() && this.actions.setMediaPath(path),
    });
    const local = new LocalParticipant({
      store: this.store,
      registry: this.media,
      transport,
      announce: () => this.announceMedia(),
      meterMicrophone: (track) => this.speaking.meterLocal(track),
      live,
    });
    const presence = pollPresence({
      roomId: this.state.roomId,
      wanted: () => this.state.phase === 'lobby' || this.state.phase === 'room-full',
      send: (message) => signaling.askPresence(message),
    });
    const stopLinkStats = monitorLinkStats({
      peerIds: () => (this.state.phase === 'in-call' ? this.peers.ids() : []),
      getStats: (peerId) => transport.getStats(peerId),
      onFigures: (peerId, figures) => live() && this.actions.setLinkStats(peerId, figures),
    });
    this.run = { local, signaling, transport, presence, stopLinkStats };
    local.start();
    signaling.start();
    this.speaking.start();
    const stopWatching = watchPageLifecycle({
      onUnload: () => this.stop('unload'),
      onOnline: () => signaling.reconnectNow(),
      // The socket is dead or about to be: stop sending into it, and retry until back online.
      onOffline: () => signaling.dropConnection(),
      onGesture: () => this.speaking.resumeAudio(),
    });
    const onVisibility = () => this.displays.pageVisibilityChanged();
    document.addEventListener('visibilitychange', onVisibility);
    if (rejoin) this.join(rejoin.name);

    return () => {
      stopWatching();
      document.removeEventListener('visibilitychange', onVisibility);
      this.stop('teardown');
    };
  }

  join(name: string, password?: string): void {
    const phase = this.state.phase;
    if (phase !== 'lobby' && phase !== 'room-full') return;
    if (password !== undefined) this.password = password || undefined;
    this.actions.setJoinRefusal(null);
    this.actions.setDisplayName(name);
    this.actions.setPhase('joining');
    this.actions.setNotice(null);
    // Links must be made with the kept certificate, so the join waits for it (moments at most).
    const run = this.run;
    void (this.certificate ?? Promise.resolve(null)).then(() => {
      if (run && this.run === run) run.signaling.join();
    });
  }

  /** Marks a person's current certificate as verified by their safety code, or not. */
  setVerified(peerId: string, verified: boolean): void {
    this.verification?.setVerified(peerId, verified);
  }

  /** Leaves the room and releases the camera and microphone. */
  leave(): void {
    this.stop('leave');
    this.actions.setPhase('left');
  }

  // -------------------------------------------------------------------------------------------
  // What the person controls
  // -------------------------------------------------------------------------------------------

  toggleMicrophone(): void {
    this.run?.local.toggleMicrophone();
  }

  get microphoneOn(): boolean {
    return this.state.microphoneOn;
  }

  /** Turns the microphone on or off (push-to-talk, a host's request). */
  setMicrophone(on: boolean): void {
    if (this.state.microphoneOn !== on) this.run?.local.toggleMicrophone();
  }

  // -------------------------------------------------------------------------------------------
  // Hands, reactions, and the host's controls (the server refuses them from anyone else)
  // -------------------------------------------------------------------------------------------

  raiseHand(raised: boolean): void {
    this.sendToRoom({ type: 'hand', raised });
  }

  react(reaction: Reaction): void {
    if (this.state.phase !== 'in-call') return;
    this.sendToRoom({ type: 'reaction', reaction });
    this.showReaction(null, reaction);
  }

  lockRoom(locked: boolean): void {
    this.sendToRoom({ type: 'lock', locked });
  }

  /** `null` clears the password. */
  setRoomPassword(password: string | null): void {
    this.sendToRoom({ type: 'set-password', password });
  }

  setWaitingRoom(enabled: boolean): void {
    this.sendToRoom({ type: 'waiting-room', enabled });
  }

  admit(knockId: string): void {
    this.sendToRoom({ type: 'admit', knockId });
  }

  decline(knockId: string): void {
    this.sendToRoom({ type: 'decline', knockId });
  }

  removePerson(peerId: string): void {
    this.sendToRoom({ type: 'remove', peerId });
  }

  /** Asks one person (or everyone, with null) to turn their microphone off. */
  askToMute(peerId: string | null): void {
    this.sendToRoom({ type: 'mute-request', peerId });
  }

  handOver(peerId: string): void {
    this.sendToRoom({ type: 'hand-over', to: peerId });
  }

  endCall(): void {
    this.sendToRoom({ type: 'end-call' });
  }

  private sendToRoom(message: RoomRequest): void {
    this.run?.signaling.sendToRoom(message);
  }

  async toggleCamera(): Promise<void> {
    await this.run?.local.toggleCamera();
  }

  async selectCamera(deviceId: string): Promise<void> {
    await this.run?.local.selectCamera(deviceId);
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    await this.run?.local.selectMicrophone(deviceId);
  }

  /** Asks the browser again for a blocked camera or microphone, after the person allowed it. */
  async askDeviceAccessAgain(): Promise<void> {
    await this.run?.local.askDeviceAccessAgain();
  }

  async setQuality(quality: VideoQuality): Promise<void> {
    await this.run?.local.setQuality(quality);
  }

  /** Background blur on or off (lib/media/blur); its code loads the first time it is turned on. */
  async setBackgroundBlur(on: boolean): Promise<void> {
    await this.run?.local.setBackgroundBlur(on);
  }

  /** Echo cancellation, noise suppression and automatic gain, applied to the live microphone. */
  async setAudioProcessing(processing: AudioProcessing): Promise<void> {
    await this.run?.local.setAudioProcessing(processing);
  }

  async toggleScreenShare(): Promise<void> {
    await this.run?.local.toggleScreenShare();
  }

  /** Remote sound plays through this output; the <audio> elements apply it. */
  selectSpeaker(deviceId: string): void {
    this.actions.setSelectedDevice('speaker', deviceId);
    saveMediaPreference('speakerId', deviceId);
  }

  /** Hide this person's IP addresses from the others by sending media only through a relay. */
  setRelayOnly(relayOnly: boolean): void {
    this.actions.setRelayOnly(relayOnly);
    saveRelayOnly(this.state.relayOnly);
  }

  /** Sends a chat message to everyone: over the peer links in a mesh, through the server in SFU mode. */
  sendChat(text: string): void {
    this.chat.send(text);
  }

  /** Offers `file` to one person, or to everyone (null); returns why it cannot, or null. */
  sendFile(file: File, peerId: string | null): 'too-big' | 'no-one' | null {
    const peerIds = peerId === null ? [...this.state.participants.keys()] : [peerId];
    return this.files.offer(file, peerIds);
  }

  acceptFile(transferId: string): void {
    this.files.accept(transferId);
  }

  declineFile(transferId: string): void {
    this.files.decline(transferId);
  }

  cancelFile(transferId: string): void {
    this.files.cancel(transferId);
  }

  dismissFile(transferId: string): void {
    this.files.dismiss(transferId);
  }

  /**
   * Starts recording the call on this machine, and tells everyone over their links (the server
   * cannot hold that back). Returns why it cannot, or null.
   */
  startRecording(): NoticeText | null {
    const run = this.run;
    if (this.recorder || !run || this.state.phase !== 'in-call') return null;
    const unsupported = recordingUnsupported();
    if (unsupported) return unsupported;
    this.recorder = new CallRecorder({
      tiles: () => [
        { label: this.state.displayName || 'You', stream: this.media.get('local') },
        ...[...this.state.participants.values()].flatMap((person) => [
          { label: person.name, stream: this.media.get(`camera:${person.peerId}`) },
          ...(person.media.screen
            ? [
                {
                  label: `${person.name} (screen)`,
                  stream: this.media.get(`screen:${person.peerId}`),
                },
              ]
            : []),
        ]),
      ],
      localAudio: () => this.run?.local.microphoneTrack() ?? null,
    });
    const fileName = recordingFileName(this.state.roomId, new Date());
    this.recordingFileName = fileName;
    this.recordingStartedAt = performance.now();
    this.actions.setRecording(true);
    this.sendRecordingMark();
    return null;
  }

  /** Stops recording and offers the file as a download. */
  async stopRecording(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = null;
    this.actions.setRecording(false);
    this.sendRecordingMark();
    const seconds = (performance.now() - this.recordingStartedAt) / 1000;
    const { blob } = await recorder.stop();
    const previous = this.state.savedRecording;
    if (previous) URL.revokeObjectURL(previous.url);
    this.actions.setSavedRecording({
      url: URL.createObjectURL(blob),
      fileName: this.recordingFileName,
      bytes: blob.size,
      seconds,
    });
  }

  dismissRecording(): void {
    const saved = this.state.savedRecording;
    if (saved) URL.revokeObjectURL(saved.url);
    this.actions.setSavedRecording(null);
  }

  /** Tells one person (who just joined), or everyone, whether this person is recording. */
  private sendRecordingMark(peerId?: string): void {
    const message = serializeControlMessage({ type: 'recording', on: this.recorder !== null });
    this.run?.transport.sendData('control', message, peerId);
  }

  /** Loudness of the local microphone, 0..1, for the lobby's level meter. */
  /** A tile that shows `peerId`'s camera: how it shows it decides what they send us. */
  showsCamera(peerId: string): TileHandle {
    return this.displays.addTile(peerId);
  }

  localAudioLevel(): number {
    return this.speaking.localLevel();
  }

  // -------------------------------------------------------------------------------------------
  // The room
  // -------------------------------------------------------------------------------------------

  private announceMedia(): void {
    const run = this.run;
    if (run && this.state.phase === 'in-call')
      run.signaling.sendToRoom({ type: 'media', media: run.local.mediaState() });
  }

  private onJoined(message: JoinedMessage, restartedNegotiations: ReadonlySet<string>): void {
    const run = this.run;
    const phase = this.state.phase;
    if (!run || (phase !== 'joining' && phase !== 'waiting' && phase !== 'in-call')) return;
    this.reloadMemory.saveTicket(this.ticket(message.resumeToken), { leaving: false });
    this.relayOnly = message.iceTransportPolicy === 'relay' || this.state.relayOnly;
    this.iceConfiguration = {
      iceServers: message.iceServers,
      iceTransportPolicy: this.relayOnly ? 'relay' : 'all',
      // One transport for everything: a third of the candidates and checks of the default.
      bundlePolicy: 'max-bundle',
      ...(this.dtlsCertificate ? { certificates: [this.dtlsCertificate] } : {}),
    };
    run.transport.configure(this.iceConfiguration);
    const present = new Set(message.peers.map((peer) => peer.peerId));
    for (const peerId of this.peers.ids()) {
      // Not resumed: the server forgot us, so our links are to peers we no longer exist for.
      if (!message.resumed || !present.has(peerId)) this.removePeer(peerId);
    }
    if (!message.resumed) this.reloadMemory.forgetEpochs();
    // Links that lived through the drop first; people met now get new links below.
    else run.transport.signalingResumed(restartedNegotiations);
    this.actions.joined(message.peerId, message.peers);
    this.actions.setRoomMode(message.mode);
    // A newcomer to an SFU room publishes and subscribes, and makes no peer links.
    run.transport.setMode(message.mode, message.resumed ? 'resumed' : 'joined');
    for (const peer of message.peers) this.addPeer(peer);
  }

  private onRoomFull(text: string): void {
    this.actions.setPhase('room-full');
    this.actions.setNotice(text);
    this.run?.presence.askNow();
  }

  private onRoomMessage(message: RoomMessage): void {
    const transport = this.run?.transport;
    switch (message.type) {
      case 'peer-joined':
        this.actions.participantJoined(message.peer);
        return this.addPeer(message.peer);
      case 'peer-left':
        return this.removePeer(message.peerId);
      case 'peer-updated':
        if (message.media.screen === null) this.media.set(`screen:${message.peerId}`, null);
        transport?.updatePerson(message.peerId, message.media);
        return this.actions.participantMedia(message.peerId, message.media);
      case 'description':
      case 'candidate':
        return transport?.handleSignal(message);
      case 'presence':
        if (message.roomId === this.state.roomId) this.actions.setPresence(message);
        return;
      case 'ice-servers':
        // Fresh TURN credentials, for every relay allocated from now on.
        if (this.state.phase !== 'in-call') return;
        this.iceConfiguration = { ...this.iceConfiguration, iceServers: message.iceServers };
        return transport?.configure(this.iceConfiguration);
      case 'room-controls':
        return this.onControls(message.controls);
      case 'knocks':
        return this.actions.setKnocks(message.knocks);
      case 'waiting':
        if (this.state.phase === 'joining') this.actions.setPhase('waiting');
        return;
      case 'declined': {
        const retryAfterSeconds = Math.ceil(message.retryAfterMs / 1000);
        this.actions.setPhase('lobby');
        return this.actions.setJoinRefusal({ code: 'declined', retryAfterSeconds });
      }
      case 'removed':
        this.stop('leave');
        return this.actions.setPhase('removed');
      case 'call-ended':
        this.stop('leave');
        return this.actions.setPhase('ended');
      case 'mute-request':
        if (this.state.microphoneOn) this.setMicrophone(false);
        return this.actions.pushNotice({ key: 'hostMutedYou' });
      case 'reaction':
        return this.showReaction(message.from, message.reaction);
      case 'chat':
        return this.chat.receiveFromServer(message.from, message.id, message.text);
      case 'room-mode':
        this.actions.setRoomMode(message.mode);
        // To the SFU: make before break (media-paths.ts). Back to a mesh: links to everyone.
        transport?.setMode(message.mode, 'moved');
        if (message.reason === 'sfu-lost') this.actions.pushNotice({ key: 'mediaServerLost' });
        return;
      case 'sfu-publish-answer':
      case 'sfu-subscription-offer':
      case 'sfu-layer-set':
      case 'sfu-layer-demand':
        return transport?.handleSignal(message);
      default:
        return assertNever(message);
    }
  }

  private onControls(controls: RoomControlsView): void {
    this.actions.setControls(controls);
    const self = this.state.selfPeerId;
    if (self === null || controls.hostPeerId !== self) {
      if (this.state.knocks.length > 0) this.actions.setKnocks([]);
      return;
    }
    // The role reached us (handed over, or the host left): keep a key so a reload keeps it too.
    const roomId = this.state.roomId;
    if (loadHostKey(roomId) === undefined) {
      const hostKey = newHostKey();
      saveHostKey(roomId, hostKey);
      this.sendToRoom({ type: 'host-key', hostKey });
    }
  }

  /** A reaction floats over the sender's tile for a few seconds. */
  private showReaction(peerId: string | null, reaction: Reaction): void {
    const id = this.actions.showReaction(peerId, reaction);
    setTimeout(() => this.actions.hideReaction(id), REACTION_SHOWN_MS);
  }

  private addPeer(peer: PeerInfo): void {
    if (this.peers.get(peer.peerId)) return;
    this.peers.add(peer.peerId, ({ peerId }) => this.reportLinkFailure(peerId));
    this.run?.transport.addPerson({ peerId: peer.peerId, polite: peer.polite, media: peer.media });
    // Someone who joins mid-recording is told too; it waits until their control channel opens.
    if (this.recorder) this.sendRecordingMark(peer.peerId);
  }

  private removePeer(peerId: string): void {
    this.files.linkLost(peerId, 'they-left');
    this.run?.transport.removePerson(peerId);
    this.verification?.forget(peerId);
    this.displays.forget(peerId);
    this.peers.remove(peerId);
    this.media.deletePeer(peerId);
    this.actions.participantLeft(peerId);
  }

  private transportEvents(live: () => boolean): MediaTransportEvents {
    return {
      onRemoteTrack: (peerId, source, track) => {
        if (live()) this.media.addTrack(`${source}:${peerId}`, track);
      },
      onRemoteTrackEnded: (peerId, source, track) => {
        if (live()) this.media.removeTrack(`${source}:${peerId}`, track);
      },
      onLinkState: (peerId, state) => {
        if (!live()) return;
        // A transfer survives nothing: a link that drops (or is replaced, 'new') fails it.
        if (state === 'disconnected' || state === 'failed' || state === 'closed' || state === 'new')
          this.files.linkLost(peerId, 'link-dropped');
        const update = this.peers.linkChanged(
          peerId,
          state,
          this.state.participants.get(peerId)?.link,
        );
        if (update?.kind === 'show') this.actions.participantLink(peerId, update.link);
        else if (update?.kind === 'report-failure') this.reportLinkFailure(peerId);
      },
      onLinkDiagnostics: (peerId, diagnostics) => {
        const peer = this.peers.get(peerId);
        if (live() && peer && !peer.everConnected && linkCannotConnect(diagnostics, this.relayOnly))
          this.reportLinkFailure(peerId);
      },
      onData: (peerId, channel, data) => {
        if (!live()) return;
        if (channel === 'chat') this.chat.receive(peerId, data);
        else this.onControlMessage(peerId, data);
      },
      onIncomingChannel: (peerId, channel) => {
        if (!live() || !this.files.incomingChannel(peerId, channel)) channel.close();
      },
      onLinkKeys: (peerId, keys) => {
        if (live()) void this.verification?.linkKeys(peerId, keys);
      },
      onError: (peerId, error, context) => console.warn(`Peer ${peerId}: error ${context}:`, error),
    };
  }

  /** A message on `peerId`'s control channel: validated, then handled by its owner. */
  private onControlMessage(peerId: string, data: unknown): void {
    const message = parseControlMessage(data);
    if (!message || !this.state.participants.has(peerId)) return;
    switch (message.type) {
      case 'file-offer':
      case 'file-accept':
      case 'file-decline':
      case 'file-cancel':
      case 'file-received':
        return this.files.receiveControl(peerId, message);
      case 'recording':
        return this.actions.participantRecording(peerId, message.on);
      case 'media-moved':
        // The move's: MediaPaths takes the notice as our pages write it; any other is ignored.
        return;
      default:
        return assertNever(message);
    }
  }

  /** Shows that a first connection failed, and why; attempts go on in the background. */
  private reportLinkFailure(peerId: string): void {
    const peer = this.peers.get(peerId);
    const diagnostics = this.run?.transport.linkDiagnostics(peerId);
    if (!peer || peer.everConnected || !diagnostics) return;
    this.actions.participantLink(
      peerId,
      'failed',
      describeLinkFailure(diagnostics, this.relayOnly),
    );
  }

  private *remotePeopleForSpeaking() {
    if (this.state.phase !== 'in-call') return;
    for (const peer of this.peers.values()) {
      const audible = this.state.participants.get(peer.peerId)?.media.audio ?? false;
      yield { peerId: peer.peerId, speaking: peer.speaking, audible };
    }
  }

  private ticket(resumeToken: string): RejoinTicket {
    const { displayName, microphoneOn, cameraOn } = this.state;
    return { resumeToken, name: displayName, microphoneOn, cameraOn };
  }

  // -------------------------------------------------------------------------------------------
  // Teardown
  // -------------------------------------------------------------------------------------------

  /**
   * Ends this run. `leave`: the person left, the room is told at once and a reload shows the
   * lobby. `unload`: the page is going away, maybe to reload; the server holds our place a few
   * seconds and the reloaded page takes it back. `teardown`: the component unmounted.
   */
  private stop(how: 'leave' | 'unload' | 'teardown'): void {
    const run = this.run;
    this.run = null;
    this.generation++;
    if (run) {
      const token = run.signaling.resumeToken;
      if (how === 'leave') {
        run.signaling.leave();
        this.reloadMemory.clear();
      } else if (how === 'unload') {
        const phase = this.state.phase;
        if (token && (phase === 'in-call' || phase === 'joining'))
          this.reloadMemory.saveTicket(this.ticket(token), { leaving: true });
        run.signaling.unload();
      } else {
        run.signaling.stop();
      }
      run.presence.stop();
      run.stopLinkStats();
      this.files.close();
      if (this.recorder) {
        // The call is over for this page: say so, and let the unfinished recording go.
        run.transport.sendData(
          'control',
          serializeControlMessage({ type: 'recording', on: false }),
        );
        void this.recorder.stop();
        this.recorder = null;
        this.actions.setRecording(false);
      }
      run.transport.close();
      run.local.dispose();
    }
    this.speaking.stop();
    this.displays.clear();
    this.peers.clear();
    this.verification?.clear();
    this.media.clear();
    this.actions.clearParticipants();
  }
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DisplayReport } from '../webrtc/display-report';
import type { MediaPath } from './call-store';
import { MediaPaths, MOVED_NOTICE_PATIENCE_MS, type StartableTransport } from './media-paths';
import { STANDBY_PATIENCE_MS } from './shown-video';
import type {
  IncomingMediaSignal,
  MediaSource,
  MediaTransportEvents,
  OutgoingKind,
  RemotePerson,
} from './media-transport';

/** A transport that records what the call asked of it, and whose events the test fires. */
class FakeTransport implements StartableTransport {
  started = false;
  closed = false;
  people: string[] = [];
  removed: string[] = [];
  displays: string[] = [];
  /** Each display report: `peer visible|hidden`. */
  shownAs: string[] = [];
  signals: string[] = [];
  /** What went out on data channels: `channel to data`. */
  sent: string[] = [];
  outgoing: Record<OutgoingKind, MediaStreamTrack | null> = { audio: null, video: null };
  readonly level = Math.random();

  constructor(readonly events: MediaTransportEvents) {}

  start(): void {
    this.started = true;
  }
  configure(): void {}
  addPerson(person: RemotePerson): void {
    this.people.push(person.peerId);
  }
  removePerson(peerId: string): void {
    this.removed.push(peerId);
  }
  updatePerson(): void {}
  handleSignal(signal: IncomingMediaSignal): void {
    this.signals.push(signal.type);
  }
  signalingResumed(): void {}
  async setOutgoingTrack(kind: OutgoingKind, track: MediaStreamTrack | null): Promise<void> {
    this.outgoing[kind] = track;
  }
  setScreenShare(): void {}
  setVideoQuality(): void {}
  showDisplay(peerId: string, display: DisplayReport): void {
    this.displays.push(peerId);
    this.shownAs.push(`${peerId} ${display.visible ? 'visible' : 'hidden'}`);
  }
  sendData(channel: string, data: string, to?: string): void {
    this.sent.push(`${channel} ${to} ${data}`);
  }
  openChannel(): RTCDataChannel | null {
    return null;
  }
  remoteAudioLevel(): number {
    return this.level;
  }
  linkDiagnostics() {
    return null;
  }
  async getStats(): Promise<RTCStatsReport | null> {
    return null;
  }
  close(): void {
    this.closed = true;
  }
}

const ANN = 'Ann000000000';
const BEN = 'Ben000000000';
const CAL = 'Cal000000000';
const ON = { audio: true, video: true, screen: null };
const SILENT = { audio: false, video: false, screen: null };
const person = (peerId: string, media = ON): RemotePerson => ({ peerId, polite: false, media });
const track = (kind: 'audio' | 'video', id: string) => ({ kind, id }) as MediaStreamTrack;
const MOVED = '{"type":"media-moved"}';

interface Shown {
  peerId: string;
  source: MediaSource;
  id: string;
}

function setUp() {
  const meshes: FakeTransport[] = [];
  const sfus: FakeTransport[] = [];
  const shown: Shown[] = [];
  const links: [string, string][] = [];
  const paths: MediaPath[] = [];
  const received: string[] = [];
  const events: MediaTransportEvents = {
    onRemoteTrack: (peerId, source, t) => shown.push({ peerId, source, id: t.id }),
    onRemoteTrackEnded: () => undefined,
    onLinkState: (peerId, state) => links.push([peerId, state]),
    onLinkDiagnostics: () => undefined,
    onData: (peerId, channel, data) => received.push(`${peerId} ${channel} ${String(data)}`),
    onIncomingChannel: () => undefined,
    onError: () => undefined,
  };
  const paths_ = new MediaPaths({
    createMesh: (transportEvents) => {
      const mesh = new FakeTransport(transportEvents);
      meshes.push(mesh);
      return mesh;
    },
    createSfu: (transportEvents) => {
      const sfu = new FakeTransport(transportEvents);
      sfus.push(sfu);
      return sfu;
    },
    events,
    onMediaPath: (path) => paths.push(path),
  });
  return { media: paths_, meshes, sfus, shown, links, paths, received };
}

describe('MediaPaths', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a newcomer to an SFU room publishes and subscribes, and makes no peer links', () => {
    const { media, meshes, sfus, shown, paths } = setUp();
    const camera = track('video', 'cam');
    void media.setOutgoingTrack('video', camera);
    media.setMode('sfu', 'joined');
    media.addPerson(person(ANN));
    expect(meshes).toHaveLength(0);
    const [sfu] = sfus;
    expect(sfu?.started).toBe(true);
    expect(sfu?.outgoing.video).toBe(camera);
    expect(sfu?.people).toEqual([ANN]);
    // No move: a track shows at once.
    sfu?.events.onRemoteTrack(ANN, 'camera', track('video', 'ann-sfu'));
    expect(shown).toEqual([{ peerId: ANN, source: 'camera', id: 'ann-sfu' }]);
    sfu?.events.onLinkState(ANN, 'connected');
    expect(paths).toEqual(['media-server']);
  });

  it('moves a live call make before break: a tile switches once the SFU track plays, the peer link closes once both ends play each other from the SFU', () => {
    vi.useFakeTimers();
    const { media, meshes, sfus, shown, links, paths } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    media.showDisplay(ANN, { width: 200, height: 100, visible: true, fullScreen: false });
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    mesh?.events.onRemoteTrack(ANN, 'camera', track('video', 'ann-mesh-video'));
    mesh?.events.onRemoteTrack(ANN, 'camera', track('audio', 'ann-mesh-audio'));
    expect(shown.map((s) => s.id)).toEqual(['ann-mesh-video', 'ann-mesh-audio']);

    media.setMode('sfu', 'moved');
    const [sfu] = sfus;
    expect(sfu?.people).toEqual([ANN]);
    expect(sfu?.displays).toEqual([ANN]);
    expect(media.running).toEqual({ mesh: true, sfu: true, moving: true });

    // The SFU's tracks arrive, but the tile keeps the mesh's until each has decoded media.
    const sfuVideo = track('video', 'ann-sfu-video');
    const sfuAudio = track('audio', 'ann-sfu-audio');
    sfu?.events.onRemoteTrack(ANN, 'camera', sfuVideo);
    sfu?.events.onRemoteTrack(ANN, 'camera', sfuAudio);
    sfu?.events.onLinkState(ANN, 'connected');
    expect(shown).toHaveLength(2);
    expect(links).toEqual([[ANN, 'connected']]);
    sfu?.events.onRemoteTrackLive?.(ANN, 'camera', sfuVideo);
    expect(shown.at(-1)?.id).toBe('ann-sfu-video');
    expect(mesh?.removed).toEqual([]);
    // Meanwhile the mesh still carries her sound.
    expect(media.remoteAudioLevel(ANN)).toBe(mesh?.level);

    sfu?.events.onRemoteTrackLive?.(ANN, 'camera', sfuAudio);
    expect(shown.at(-1)?.id).toBe('ann-sfu-audio');
    // Ann is told, and her link stays until she plays us from the SFU too. Her camera over it
    // shows nowhere now: she need not send it.
    expect(mesh?.sent).toEqual([`control ${ANN} ${MOVED}`]);
    expect(mesh?.shownAs).toEqual([`${ANN} visible`, `${ANN} hidden`]);
    media.showDisplay(ANN, { width: 400, height: 200, visible: true, fullScreen: false });
    expect(mesh?.shownAs.at(-1)).toBe(`${ANN} hidden`);
    expect(sfu?.shownAs.at(-1)).toBe(`${ANN} visible`);
    expect(mesh?.removed).toEqual([]);
    expect(media.remoteAudioLevel(ANN)).toBe(sfu?.level);
    expect(paths).toEqual(['media-server']);
    // Her notice: her tiles were just handed the SFU's tracks, and may still play the link's.
    mesh?.events.onData(ANN, 'control', MOVED);
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS - 1);
    expect(mesh?.removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(mesh?.removed).toEqual([ANN]);
    expect(mesh?.closed).toBe(true);
    expect(media.running).toEqual({ mesh: false, sfu: true, moving: false });
    expect(links).toEqual([
      [ANN, 'connected'],
      [ANN, 'connected'],
    ]);
    expect(paths).toEqual(['media-server']);
    // The closed mesh is not heard any more.
    mesh?.events.onRemoteTrack(ANN, 'camera', track('video', 'late'));
    mesh?.events.onLinkState(ANN, 'closed');
    expect(shown.at(-1)?.id).toBe('ann-sfu-audio');
    expect(links).toHaveLength(2);
  });

  it('waits for nothing from someone who sends nothing, and gives a newcomer mid-move no peer link', () => {
    vi.useFakeTimers();
    const { media, meshes, sfus } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN, SILENT));
    media.addPerson(person(BEN));
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    mesh?.events.onLinkState(BEN, 'connected');
    media.setMode('sfu', 'moved');
    const [sfu] = sfus;
    media.addPerson(person(CAL));
    expect(mesh?.people).toEqual([ANN, BEN]);
    expect(sfu?.people).toEqual([ANN, BEN, CAL]);

    // Ann moved us first; she is carried, and sends nothing to wait for. Her link closes once
    // both ends' tiles have had time to show the SFU's tracks.
    mesh?.events.onData(ANN, 'control', MOVED);
    sfu?.events.onRemoteTrack(ANN, 'camera', track('audio', 'ann-silent'));
    expect(mesh?.removed).toEqual([]);
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS);
    expect(mesh?.removed).toEqual([ANN]);
    expect(mesh?.closed).toBe(false);
    // Ben turns his camera and microphone off mid-move: nothing left to wait for once carried.
    media.updatePerson(BEN, SILENT);
    expect(mesh?.removed).toEqual([ANN]);
    sfu?.events.onRemoteTrack(BEN, 'camera', track('audio', 'ben-silent'));
    expect(mesh?.sent).toEqual([`control ${ANN} ${MOVED}`, `control ${BEN} ${MOVED}`]);
    mesh?.events.onData(BEN, 'control', MOVED);
    expect(mesh?.closed).toBe(false);
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS);
    expect(mesh?.closed).toBe(true);
  });

  it('moves nobody whose peer link is still connecting: they join the SFU room as newcomers', () => {
    const { media, meshes, sfus, shown } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    media.addPerson(person(CAL));
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    mesh?.events.onLinkState(CAL, 'connecting');
    media.setMode('sfu', 'moved');
    expect(mesh?.removed).toEqual([CAL]);
    expect(media.running.moving).toBe(true);
    sfus[0]?.events.onRemoteTrack(CAL, 'camera', track('video', 'cal-sfu'));
    expect(shown.at(-1)?.id).toBe('cal-sfu');
    // Nobody had a working link at all: no move, the mesh closes at once.
    const other = setUp();
    other.media.setMode('mesh', 'joined');
    other.media.addPerson(person(CAL));
    other.media.setMode('sfu', 'moved');
    expect(other.meshes[0]?.closed).toBe(true);
    expect(other.media.running).toEqual({ mesh: false, sfu: true, moving: false });
  });

  it('falls back to peer links with everyone when the SFU is lost', () => {
    const { media, meshes, sfus, paths } = setUp();
    media.setMode('sfu', 'joined');
    media.addPerson(person(ANN));
    media.addPerson(person(BEN));
    sfus[0]?.events.onLinkState(ANN, 'connected');
    media.setMode('mesh', 'moved');
    expect(sfus[0]?.closed).toBe(true);
    expect(meshes).toHaveLength(1);
    expect(meshes[0]?.people).toEqual([ANN, BEN]);
    expect(paths).toEqual(['media-server', 'peer-to-peer']);
    // The closed SFU transport's events go nowhere.
    const before = media.running;
    sfus[0]?.events.onRemoteTrack(ANN, 'camera', track('video', 'stale'));
    expect(media.running).toEqual(before);
  });

  it('links everyone again when the SFU is lost mid-move, moved people and newcomers too', () => {
    vi.useFakeTimers();
    const { media, meshes, sfus } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    media.addPerson(person(BEN, SILENT));
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    mesh?.events.onLinkState(BEN, 'connected');
    media.setMode('sfu', 'moved');
    media.addPerson(person(CAL));
    // Ben sends nothing: moved as soon as he is carried; Ann still waits for her media.
    sfus[0]?.events.onRemoteTrack(BEN, 'camera', track('audio', 'ben'));
    // Ann's tile of him shows the SFU's media: the link kept until he moves us carries none.
    media.showDisplay(ANN, { width: 200, height: 100, visible: true, fullScreen: false });
    media.showDisplay(BEN, { width: 200, height: 100, visible: true, fullScreen: false });
    expect(mesh?.shownAs).toEqual([`${ANN} visible`, `${BEN} hidden`]);
    meshes[0]?.events.onData(BEN, 'control', MOVED);
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS);
    expect(mesh?.removed).toEqual([BEN]);
    media.setMode('mesh', 'moved');
    // Every link is told again how its camera shows.
    expect(mesh?.shownAs.slice(2)).toEqual([`${ANN} visible`, `${BEN} visible`]);
    expect(meshes).toHaveLength(1);
    expect(mesh?.closed).toBe(false);
    expect(mesh?.people).toEqual(expect.arrayContaining([ANN, BEN, CAL]));
    expect(mesh?.people.filter((peerId) => peerId === BEN)).toHaveLength(2);
    expect(media.running).toEqual({ mesh: true, sfu: false, moving: false });
  });

  it('closes a link only once the tiles handed the SFU’s tracks have had time to show them, and not when Janus is lost meanwhile', () => {
    vi.useFakeTimers();
    const moveAnn = () => {
      const setup = setUp();
      setup.media.setMode('mesh', 'joined');
      setup.media.addPerson(person(ANN));
      setup.meshes[0]?.events.onLinkState(ANN, 'connected');
      setup.media.setMode('sfu', 'moved');
      const [sfu] = setup.sfus;
      const video = track('video', 'ann-sfu-video');
      const audio = track('audio', 'ann-sfu-audio');
      sfu?.events.onRemoteTrack(ANN, 'camera', video);
      sfu?.events.onRemoteTrack(ANN, 'camera', audio);
      // Ann moved us already.
      setup.meshes[0]?.events.onData(ANN, 'control', MOVED);
      sfu?.events.onRemoteTrackLive?.(ANN, 'camera', video);
      sfu?.events.onRemoteTrackLive?.(ANN, 'camera', audio);
      return setup;
    };
    const { media, meshes } = moveAnn();
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS - 1);
    expect(meshes[0]?.removed).toEqual([]);
    expect(media.running.moving).toBe(true);
    vi.advanceTimersByTime(1);
    expect(meshes[0]?.removed).toEqual([ANN]);
    expect(media.running).toEqual({ mesh: false, sfu: true, moving: false });

    // Janus lost meanwhile: the link stays, as the mesh the call goes back to.
    const cut = moveAnn();
    cut.media.setMode('mesh', 'moved');
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS);
    expect(cut.meshes[0]?.removed).toEqual([]);
    expect(cut.media.running).toEqual({ mesh: true, sfu: false, moving: false });
  });

  it('shows the link’s tracks again in the tiles a move cut short had switched to the SFU', () => {
    const { media, meshes, sfus, shown, links } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    mesh?.events.onRemoteTrack(ANN, 'camera', track('video', 'ann-mesh-video'));
    mesh?.events.onRemoteTrack(ANN, 'camera', track('audio', 'ann-mesh-audio'));
    media.setMode('sfu', 'moved');
    const [sfu] = sfus;
    const sfuVideo = track('video', 'ann-sfu-video');
    const sfuAudio = track('audio', 'ann-sfu-audio');
    sfu?.events.onRemoteTrack(ANN, 'camera', sfuVideo);
    sfu?.events.onRemoteTrack(ANN, 'camera', sfuAudio);
    sfu?.events.onLinkState(ANN, 'connecting');
    sfu?.events.onRemoteTrackLive?.(ANN, 'camera', sfuVideo);
    sfu?.events.onRemoteTrackLive?.(ANN, 'camera', sfuAudio);
    // Ann is moved; her link waits for her notice when Janus is lost.
    expect(shown.slice(-2).map((s) => s.id)).toEqual(['ann-sfu-video', 'ann-sfu-audio']);
    expect(links.at(-1)).toEqual([ANN, 'connecting']);
    media.setMode('mesh', 'moved');
    expect(shown.slice(-2).map((s) => s.id)).toEqual(['ann-mesh-video', 'ann-mesh-audio']);
    expect(links.at(-1)).toEqual([ANN, 'connected']);
    expect(mesh?.removed).toEqual([]);
  });

  it('closes the link of someone who never says they moved us after a while, and keeps a late notice from the call', () => {
    vi.useFakeTimers();
    const { media, meshes, sfus, received } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN, SILENT));
    const [mesh] = meshes;
    mesh?.events.onLinkState(ANN, 'connected');
    media.setMode('sfu', 'moved');
    sfus[0]?.events.onRemoteTrack(ANN, 'camera', track('audio', 'ann'));
    expect(mesh?.sent).toEqual([`control ${ANN} ${MOVED}`]);
    vi.advanceTimersByTime(MOVED_NOTICE_PATIENCE_MS);
    expect(mesh?.removed).toEqual([]);
    vi.advanceTimersByTime(STANDBY_PATIENCE_MS - 1);
    expect(mesh?.removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(mesh?.removed).toEqual([ANN]);
    expect(media.running).toEqual({ mesh: false, sfu: true, moving: false });

    // A late notice is the move's all the same: it never reaches the call.
    mesh?.events.onData(ANN, 'control', MOVED);
    expect(received).toEqual([]);
  });

  it('passes control messages other than the move’s on to the call, whether moving or not', () => {
    const { media, meshes, received } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    const recording = '{"type":"recording","on":true}';
    meshes[0]?.events.onData(ANN, 'control', MOVED);
    meshes[0]?.events.onData(ANN, 'control', recording);
    meshes[0]?.events.onData(ANN, 'chat', MOVED);
    expect(received).toEqual([`${ANN} control ${recording}`, `${ANN} chat ${MOVED}`]);
  });

  it('routes peer signals to the mesh and the media server’s to the SFU transport', () => {
    const { media, meshes, sfus } = setUp();
    media.setMode('mesh', 'joined');
    media.addPerson(person(ANN));
    meshes[0]?.events.onLinkState(ANN, 'connected');
    media.setMode('sfu', 'moved');
    media.handleSignal({ type: 'candidate', from: ANN, candidate: null });
    media.handleSignal({ type: 'sfu-subscription-offer', sdp: 'v=0', tracks: [] });
    expect(meshes[0]?.signals).toEqual(['candidate']);
    expect(sfus[0]?.signals).toEqual(['sfu-subscription-offer']);
  });

  it('starts the SFU afresh when the server forgot us', () => {
    const { media, sfus } = setUp();
    media.setMode('sfu', 'joined');
    media.setMode('sfu', 'resumed');
    expect(sfus).toHaveLength(1);
    media.setMode('sfu', 'joined');
    expect(sfus).toHaveLength(2);
    expect(sfus[0]?.closed).toBe(true);
  });
});

import { EventEmitter } from 'node:events';
import type { JanusConnection } from './janus-connection';
import { JanusError, JanusProtocolError, JanusTimeoutError } from './janus-errors';
import type { JanusFrame, Jsep } from './janus-messages';

/** An ICE candidate as the browser's RTCIceCandidate.toJSON() gives it. */
export interface TrickleCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export interface PluginReply {
  /** plugindata.data of the answer. */
  data: Record<string, unknown>;
  jsep?: Jsep;
}

/** What the Janus core says about one handle's PeerConnection, and its plugin's own events. */
export interface JanusHandleEvents {
  /** An event from the plugin that answers no request of ours. */
  'plugin-event': [reply: PluginReply];
  /** ICE and DTLS are up: media can flow. */
  webrtcup: [];
  /** Janus started or stopped receiving a stream on `mid`. */
  media: [event: { mid: string | undefined; kind: 'audio' | 'video'; receiving: boolean }];
  /** Janus counts lost packets on `mid`: `uplink` means on what it receives from the browser. */
  'slow-link': [
    event: { mid: string | undefined; kind: 'audio' | 'video'; uplink: boolean; lost: number },
  ];
  /** The PeerConnection is gone (DTLS alert, ICE failed, closed by a request). */
  hangup: [reason: string];
  /** The handle is gone from Janus. */
  detached: [];
}

type HandleFrame = Extract<
  JanusFrame,
  { janus: 'event' | 'webrtcup' | 'media' | 'slowlink' | 'hangup' | 'detached' | 'trickle' }
>;

/** One handle attached to a plugin: messages to it, trickle, detach, and its events. */
export class JanusHandle extends EventEmitter<JanusHandleEvents> {
  private gone = false;

  constructor(
    private readonly session: JanusSession,
    readonly id: number,
    readonly plugin: string,
  ) {
    super();
  }

  /** Sends a plugin message (with a JSEP offer or answer if given) and resolves with its answer. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const frame = await this.session.request({
      janus: 'message',
      handle_id: this.id,
      body,
      ...(jsep ? { jsep: { type: jsep.type, sdp: jsep.sdp } } : {}),
    });
    if ((frame.janus === 'success' && frame.plugindata) || frame.janus === 'event') {
      const plugindata = frame.plugindata;
      if (!plugindata) throw new JanusProtocolError('plugin answer without plugindata');
      return { data: plugindata.data, jsep: frame.janus === 'event' ? frame.jsep : undefined };
    }
    throw new JanusProtocolError(`Janus answered a plugin message with "${frame.janus}"`);
  }

  /** Passes one of the browser's ICE candidates on; null means the browser has gathered all. */
  async trickle(candidate: TrickleCandidate | null): Promise<void> {
    await this.session.request({
      janus: 'trickle',
      handle_id: this.id,
      candidate: candidate ?? { completed: true },
    });
  }

  /** Closes this handle's PeerConnection but keeps the handle. */
  async hangup(): Promise<void> {
    await this.session.request({ janus: 'hangup', handle_id: this.id });
  }

  async detach(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.session.forget(this.id);
    await this.session.request({ janus: 'detach', handle_id: this.id });
  }

  /** @internal Frames the session routes to this handle. */
  receive(frame: HandleFrame): void {
    switch (frame.janus) {
      case 'event':
        this.emit('plugin-event', { data: frame.plugindata.data, jsep: frame.jsep });
        return;
      case 'webrtcup':
        this.emit('webrtcup');
        return;
      case 'media':
        this.emit('media', { mid: frame.mid, kind: frame.type, receiving: frame.receiving });
        return;
      case 'slowlink':
        this.emit('slow-link', {
          mid: frame.mid,
          kind: frame.media,
          uplink: frame.uplink,
          lost: frame.lost,
        });
        return;
      case 'hangup':
        this.emit('hangup', frame.reason);
        return;
      case 'detached':
        this.gone = true;
        this.session.forget(this.id);
        this.emit('detached');
        return;
      case 'trickle':
        // Janus sends its own candidates in the SDP (half trickle): nothing to do.
        return;
    }
  }
}

export interface JanusSessionOptions {
  /** How often to send a keepalive; keep it well under Janus's session_timeout (default 15 s). */
  keepaliveMs?: number;
}

/**
 * One Janus session: created on a connection, kept alive, and the place handles are attached. It
 * is lost when Janus times it out, when a keepalive goes unanswered (the connection is then
 * closed: Janus is not answering), or when the connection closes; `onLost` listeners hear why.
 */
export class JanusSession {
  private readonly handles = new Map<number, JanusHandle>();
  private readonly lostListeners = new Set<(reason: string) => void>();
  private readonly keepalive: ReturnType<typeof setInterval>;
  private lostReason: string | null = null;
  private readonly unroute: () => void;
  private readonly unwatchClose: () => void;

  private constructor(
    readonly connection: JanusConnection,
    readonly id: number,
    keepaliveMs: number,
  ) {
    this.unroute = connection.routeSession(id, (frame) => this.receive(frame));
    this.unwatchClose = connection.onClose((reason) => this.lose(reason));
    this.keepalive = setInterval(() => void this.sendKeepalive(), keepaliveMs);
    this.keepalive.unref();
  }

  static async create(
    connection: JanusConnection,
    options: JanusSessionOptions = {},
  ): Promise<JanusSession> {
    const frame = await connection.request({ janus: 'create' });
    const id = frame.janus === 'success' ? frame.data?.id : undefined;
    if (id === undefined) throw new JanusProtocolError('Janus created a session without an id');
    return new JanusSession(connection, id, options.keepaliveMs ?? 15_000);
  }

  get lost(): boolean {
    return this.lostReason !== null;
  }

  onLost(listener: (reason: string) => void): () => void {
    if (this.lostReason !== null) {
      listener(this.lostReason);
      return () => undefined;
    }
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const frame = await this.request({ janus: 'attach', plugin });
    const id = frame.janus === 'success' ? frame.data?.id : undefined;
    if (id === undefined) throw new JanusProtocolError(`Janus attached to ${plugin} without an id`);
    const handle = new JanusHandle(this, id, plugin);
    this.handles.set(id, handle);
    return handle;
  }

  /** Destroys the session in Janus (and with it every handle in it). */
  async destroy(): Promise<void> {
    if (this.lostReason !== null) return;
    try {
      await this.request({ janus: 'destroy' });
    } finally {
      this.lose('the session was destroyed');
    }
  }

  /** @internal */
  request(body: Record<string, unknown> & { janus: string }): Promise<JanusFrame> {
    return this.connection.request({ ...body, session_id: this.id });
  }

  /** @internal A handle that is gone. */
  forget(handleId: number): void {
    this.handles.delete(handleId);
  }

  private async sendKeepalive(): Promise<void> {
    try {
      await this.request({ janus: 'keepalive' });
    } catch (error) {
      if (error instanceof JanusTimeoutError) {
        this.connection.close('Janus did not answer a keepalive: it is not responding');
      } else if (error instanceof JanusError) {
        this.lose(`Janus no longer knows the session: ${error.reason}`);
      }
      // A connection error is reported through the connection's own close.
    }
  }

  private receive(frame: Parameters<Parameters<JanusConnection['routeSession']>[1]>[0]): void {
    if (frame.janus === 'timeout') {
      this.lose('Janus timed the session out');
      return;
    }
    if (frame.janus === 'success' || frame.janus === 'error' || frame.janus === 'ack') return;
    this.handles.get(frame.sender)?.receive(frame);
  }

  private lose(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    clearInterval(this.keepalive);
    this.unroute();
    this.unwatchClose();
    this.handles.clear();
    for (const listener of this.lostListeners) listener(reason);
    this.lostListeners.clear();
  }
}

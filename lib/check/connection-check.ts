import { AudioLevelMeter, SPEAKING_THRESHOLD } from '../media/audio-level';
import { accessFromError } from '../media/local-media';
import { refusedTurnCredentials } from '../call/link-diagnosis';
import type { CheckText } from '../i18n/user-text';
import { SIGNALING_SUBPROTOCOL, parseServerMessage, type IceServer } from '../signaling/protocol';

/**
 * The connection self-test behind /check: camera, microphone, our server, and each way a call can
 * travel (direct, via STUN, via the TURN relay), ending with a real call through the relay when
 * one is configured. Each step reports a sentence (a message key, worded by the page in the
 * person's language); nothing here needs React.
 */

/** The checks, in the order they run and are shown. */
export const CHECK_ORDER = [
  'camera',
  'microphone',
  'server',
  'direct',
  'stun',
  'relay',
  'relay-call',
] as const;

export type CheckId = (typeof CHECK_ORDER)[number];
/** pass: green; fail: red; warn: works with a caveat; skipped: not configured here, nothing to fix. */
export type CheckStatus = 'waiting' | 'running' | 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One sentence a person without networking knowledge can read. */
  detail: CheckText;
}

export interface CheckOptions {
  signalingUrl: string;
  onResult(result: CheckResult): void;
  /** The camera's stream, for a preview; stopped when the check is disposed. */
  onCameraStream?(stream: MediaStream): void;
  /** How long to listen for a voice before saying the microphone seems silent. */
  listenMs?: number;
}

const GATHER_TIMEOUT_MS = 8_000;
const SERVER_TIMEOUT_MS = 5_000;
const RELAY_CALL_TIMEOUT_MS = 10_000;

/** Runs every check in order. Resolves when all have a verdict; `dispose` releases devices. */
export function runConnectionCheck(options: CheckOptions): {
  done: Promise<void>;
  dispose(): void;
} {
  const resources: (() => void)[] = [];
  let disposed = false;
  const report = (id: CheckId, status: CheckStatus, detail: CheckText) => {
    if (!disposed) options.onResult({ id, status, detail });
  };

  const done = (async () => {
    await checkCamera(options, report, resources);
    await checkMicrophone(options, report, resources);
    const ice = await checkServer(options.signalingUrl, report);
    if (!ice) {
      for (const id of ['direct', 'stun', 'relay', 'relay-call'] as const) {
        report(id, 'skipped', { key: 'notTestedNoServer' });
      }
      return;
    }
    const hasStun = ice.some((server) => urlsOf(server).some((url) => /^stuns?:/.test(url)));
    const turnServers = ice.filter((server) => urlsOf(server).some((url) => /^turns?:/.test(url)));
    const gathered = await gatherCandidates(ice, report);
    reportDirect(gathered, report);
    reportStun(gathered, hasStun, report);
    reportRelay(gathered, turnServers.length > 0, report);
    if (turnServers.length === 0) {
      report('relay-call', 'skipped', { key: 'relayCallNotConfigured' });
    } else if (!gathered.types.has('relay')) {
      report('relay-call', 'fail', { key: 'relayCallNoAddress' });
    } else {
      await checkRelayCall(turnServers, report);
    }
  })();

  return {
    done,
    dispose() {
      disposed = true;
      for (const release of resources) release();
    },
  };
}

type Report = (id: CheckId, status: CheckStatus, detail: CheckText) => void;

async function checkCamera(options: CheckOptions, report: Report, resources: (() => void)[]) {
  report('camera', 'running', { key: 'cameraStarting' });
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    resources.push(() => stream.getTracks().forEach((track) => track.stop()));
    const track = stream.getVideoTracks()[0];
    const { width, height } = track?.getSettings() ?? {};
    options.onCameraStream?.(stream);
    const details = [track?.label, width && height ? `${width}×${height}` : null].filter(Boolean);
    report(
      'camera',
      'pass',
      details.length > 0
        ? { key: 'cameraWorksWith', values: { details: details.join(', ') } }
        : { key: 'cameraWorks' },
    );
  } catch (error) {
    report('camera', 'fail', deviceProblem('camera', error));
  }
}

async function checkMicrophone(options: CheckOptions, report: Report, resources: (() => void)[]) {
  report('microphone', 'running', { key: 'microphoneListening' });
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    report('microphone', 'fail', deviceProblem('microphone', error));
    return;
  }
  resources.push(() => stream.getTracks().forEach((track) => track.stop()));
  const track = stream.getAudioTracks()[0];
  if (!track || typeof AudioContext === 'undefined') {
    report('microphone', 'warn', { key: 'microphoneUnmeasured' });
    return;
  }
  const context = new AudioContext();
  resources.push(() => void context.close());
  const meter = new AudioLevelMeter(track, context);
  const heard = await new Promise<boolean>((resolve) => {
    const started = performance.now();
    const timer = setInterval(() => {
      if (meter.level() >= SPEAKING_THRESHOLD) finish(true);
      else if (performance.now() - started > (options.listenMs ?? 8_000)) finish(false);
    }, 50);
    const finish = (result: boolean) => {
      clearInterval(timer);
      resolve(result);
    };
  });
  meter.dispose();
  report(
    'microphone',
    heard ? 'pass' : 'warn',
    heard
      ? track.label
        ? { key: 'microphoneHeardNamed', values: { label: track.label } }
        : { key: 'microphoneHeard' }
      : { key: 'microphoneSilent' },
  );
}

/** Asks our server for the ICE servers a call would use; null if it cannot be reached. */
async function checkServer(url: string, report: Report): Promise<IceServer[] | null> {
  report('server', 'running', { key: 'serverContacting' });
  // The server refuses a self-test when the address has run too many: it says so, in an `error`.
  let refusal: string | null = null;
  const result = await new Promise<IceServer[] | null>((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, SIGNALING_SUBPROTOCOL);
    } catch {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => finish(null), SERVER_TIMEOUT_MS);
    const finish = (servers: IceServer[] | null) => {
      clearTimeout(timer);
      socket.close(1000);
      resolve(servers);
    };
    socket.onopen = () => socket.send(JSON.stringify({ type: 'get-ice-servers' }));
    socket.onmessage = ({ data }) => {
      const parsed = typeof data === 'string' ? parseServerMessage(data) : null;
      if (parsed?.ok && parsed.message.type === 'ice-servers') finish(parsed.message.iceServers);
      if (parsed?.ok && parsed.message.type === 'error') {
        refusal = parsed.message.message;
        finish(null);
      }
    };
    socket.onerror = () => finish(null);
  });
  if (result) report('server', 'pass', { key: 'serverReachable' });
  // The server's own words (in English): it refused, and says why.
  else if (refusal) report('server', 'fail', { key: 'serverRefused', values: { reason: refusal } });
  else report('server', 'fail', { key: 'serverUnreachable' });
  return result;
}

interface Gathered {
  types: Set<string>;
  errors: { url: string; code: number; text: string }[];
}

/** Gathers ICE candidates with every configured server, as a call would. */
async function gatherCandidates(iceServers: IceServer[], report: Report): Promise<Gathered> {
  for (const id of ['direct', 'stun', 'relay'] as const) report(id, 'running', { key: 'testing' });
  const gathered: Gathered = { types: new Set(), errors: [] };
  const connection = new RTCPeerConnection({ iceServers });
  connection.createDataChannel('check');
  connection.onicecandidate = ({ candidate }) => {
    if (candidate?.type) gathered.types.add(candidate.type);
  };
  connection.onicecandidateerror = (event) => {
    const error = event as RTCPeerConnectionIceErrorEvent;
    gathered.errors.push({ url: error.url, code: error.errorCode, text: error.errorText });
  };
  const complete = new Promise<void>((resolve) => {
    connection.onicegatheringstatechange = () => {
      if (connection.iceGatheringState === 'complete') resolve();
    };
  });
  await connection.setLocalDescription();
  await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, GATHER_TIMEOUT_MS))]);
  connection.close();
  return gathered;
}

function reportDirect(gathered: Gathered, report: Report) {
  if (gathered.types.has('host')) {
    report('direct', 'pass', { key: 'directWorks' });
  } else {
    report('direct', 'warn', { key: 'directNone' });
  }
}

function reportStun(gathered: Gathered, configured: boolean, report: Report) {
  if (!configured) {
    report('stun', 'skipped', { key: 'stunNotConfigured' });
  } else if (gathered.types.has('srflx')) {
    report('stun', 'pass', { key: 'stunWorks' });
  } else {
    report(
      'stun',
      // No public address that differs from a local one: the device is directly on the
      // internet, or the STUN server did not answer. Only the relay check tells them apart.
      'warn',
      { key: 'stunNoPublicAddress' },
    );
  }
}

function reportRelay(gathered: Gathered, configured: boolean, report: Report) {
  if (!configured) {
    report('relay', 'skipped', { key: 'relayNotConfigured' });
    return;
  }
  if (gathered.types.has('relay')) {
    report('relay', 'pass', { key: 'relayWorks' });
    return;
  }
  const refused = refusedTurnCredentials(gathered.errors);
  report(
    'relay',
    'fail',
    refused ? { key: 'relayRefused', values: { code: refused.code } } : { key: 'relayUnreachable' },
  );
}

/** Two connections in this page that may only use the relay: if they talk, relayed calls work. */
async function checkRelayCall(turnServers: IceServer[], report: Report) {
  report('relay-call', 'running', { key: 'relayCallRunning' });
  const configuration: RTCConfiguration = { iceServers: turnServers, iceTransportPolicy: 'relay' };
  const caller = new RTCPeerConnection(configuration);
  const callee = new RTCPeerConnection(configuration);
  caller.onicecandidate = ({ candidate }) => void (candidate && callee.addIceCandidate(candidate));
  callee.onicecandidate = ({ candidate }) => void (candidate && caller.addIceCandidate(candidate));
  const started = performance.now();
  const channel = caller.createDataChannel('check');
  const echoed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), RELAY_CALL_TIMEOUT_MS);
    callee.ondatachannel = ({ channel: incoming }) => {
      incoming.onmessage = ({ data }) => {
        clearTimeout(timer);
        resolve(data === 'hello');
      };
    };
    channel.onopen = () => channel.send('hello');
  });
  try {
    await caller.setLocalDescription();
    await callee.setRemoteDescription(caller.localDescription!);
    await callee.setLocalDescription();
    await caller.setRemoteDescription(callee.localDescription!);
    const ok = await echoed;
    report(
      'relay-call',
      ok ? 'pass' : 'fail',
      ok
        ? { key: 'relayCallWorks', values: { ms: Math.round(performance.now() - started) } }
        : { key: 'relayCallFailed' },
    );
  } finally {
    caller.close();
    callee.close();
  }
}

function urlsOf(server: IceServer): string[] {
  return Array.isArray(server.urls) ? server.urls : [server.urls];
}

function deviceProblem(device: 'camera' | 'microphone', error: unknown): CheckText {
  switch (accessFromError(error)) {
    case 'denied':
      return { key: 'deviceBlocked', values: { device } };
    case 'missing':
      return { key: 'deviceMissing', values: { device } };
    default:
      return { key: 'deviceFailed', values: { device } };
  }
}

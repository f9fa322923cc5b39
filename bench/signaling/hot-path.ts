/**
 * Micro-benchmark of the relay's hot path without sockets: bytes in, parse and validate, route
 * through the hub, serialize. For comparing changes to that path on one machine, in one run.
 *
 *   node --import tsx bench/signaling/hot-path.ts
 */
import { parseClientMessage, type ServerMessage } from '../../lib/signaling/protocol';
import { InMemoryRooms } from '../../lib/signaling/in-memory-rooms';
import { SignalingHub } from '../../lib/signaling/signaling-hub';

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: true, screen: null };
const SDP = Array.from({ length: 100 }, (_, i) => `a=line-${i}`.padEnd(58, 'x')).join('\r\n');

let bytesOut = 0;
const peerIds = new Map<string, string>();
const hub = new SignalingHub({
  rooms: new InMemoryRooms(6),
  resumeGraceMs: 1_000,
  iceConfiguration: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
  checkIceConfiguration: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
  transport: {
    send(connectionId: string, frame: string) {
      if (frame.startsWith('{"type":"joined"')) {
        peerIds.set(
          connectionId,
          (JSON.parse(frame) as Extract<ServerMessage, { type: 'joined' }>).peerId,
        );
      }
      bytesOut += Buffer.byteLength(frame);
    },
    close() {},
  },
});
await hub.start();
for (const id of ['a', 'b']) {
  hub.connect(id);
  await hub.receive(id, { type: 'join', roomId: ROOM, name: id, media: MEDIA });
}
const to = peerIds.get('b') ?? '';
const frames = {
  description: Buffer.from(
    JSON.stringify({ type: 'description', to, description: { type: 'offer', sdp: SDP } }),
  ),
  candidate: Buffer.from(
    JSON.stringify({
      type: 'candidate',
      to,
      candidate: {
        candidate:
          'candidate:842163049 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 0.0.0.0 rport 0',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: 'abcd',
      },
    }),
  ),
};

function relay(frame: Buffer): void {
  const text = frame.toString('utf8');
  const parsed = parseClientMessage(text);
  if (!parsed.ok) throw new Error(parsed.error);
  void hub.receive('a', parsed.message, text);
}

// CPU time rather than wall time, and the best of several rounds: this machine may be shared.
for (const [name, frame] of Object.entries(frames)) {
  const iterations = 20_000;
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) relay(frame);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  console.log(`${name.padEnd(12)} ${frame.length} bytes  ${best.toFixed(2)} µs CPU per relay`);
}
console.log(`(${bytesOut} bytes serialized)`);

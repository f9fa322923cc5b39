/**
 * The yardstick: a bare `ws` relay that forwards each frame, unread, to the other socket of its
 * pair (`/?pair=ID`). Same process layout and socket options as the real server.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS } from '../../../lib/signaling/protocol';
import { serveControlMessages } from './process-control';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  maxPayload: LIMITS.maxFrameBytes,
  perMessageDeflate: false,
  clientTracking: false,
});
const waiting = new Map<string, WebSocket>();

wss.on('connection', (socket, request) => {
  const pair = new URL(request.url ?? '/', 'http://localhost').searchParams.get('pair') ?? '';
  let partner: WebSocket | undefined = waiting.get(pair);
  if (partner) {
    waiting.delete(pair);
    const first = partner;
    first.emit('partner', socket);
  } else {
    waiting.set(pair, socket);
    socket.once('partner', (other: WebSocket) => (partner = other));
  }
  socket.on('error', () => undefined);
  socket.on('message', (data, isBinary) => partner?.send(data, { binary: isBinary }));
  socket.on('close', () => {
    if (waiting.get(pair) === socket) waiting.delete(pair);
  });
});

await new Promise<void>((resolve) => wss.once('listening', resolve));
const address = wss.address();
serveControlMessages(typeof address === 'object' && address ? address.port : 0, async () => {
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

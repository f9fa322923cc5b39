import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The floor's signaling: a bare relay on loopback with no protocol of its own. It serves an empty
 * page (so the floor's people have an origin that may use the camera) and, on `/relay?room=R&name=N`,
 * a WebSocket that forwards each frame to the socket named by the frame's `to` in the same room.
 */
export interface FloorRelay {
  /** The empty page the floor's people open. */
  readonly pageUrl: string;
  /** The relay's WebSocket URL, without the room and name. */
  readonly socketUrl: string;
  close(): Promise<void>;
}

/**
 * Videos fill the window in a grid, as the call's tiles do, so that drawing them costs about what
 * drawing the app's tiles does.
 */
const EMPTY_PAGE = `<!doctype html><html lang="en"><title>WebRTC floor</title><style>
body { margin: 0; height: 100vh; display: grid; gap: 8px; grid-template-columns: repeat(2, 1fr); grid-auto-rows: 1fr; background: #0f1115; }
video { width: 100%; height: 100%; object-fit: cover; min-height: 0; }
figure { margin: 0; min-height: 0; }
</style><body></body></html>`;

export async function startFloorRelay(): Promise<FloorRelay> {
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(EMPTY_PAGE);
  });
  const sockets = new WebSocketServer({ server: http, path: '/relay', perMessageDeflate: false });
  const rooms = new Map<string, Map<string, WebSocket>>();

  sockets.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const roomId = query.get('room') ?? '';
    const name = query.get('name') ?? '';
    let room = rooms.get(roomId);
    if (!room) rooms.set(roomId, (room = new Map()));
    room.set(name, socket);
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const { to } = JSON.parse(data.toString()) as { to?: string };
      room.get(to ?? '')?.send(data, { binary: false });
    });
    socket.on('close', () => {
      if (room.get(name) === socket) room.delete(name);
      if (room.size === 0) rooms.delete(roomId);
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    pageUrl: `http://127.0.0.1:${port}/`,
    socketUrl: `ws://127.0.0.1:${port}/relay`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

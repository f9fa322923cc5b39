/**
 * The IPC between a server process under test and whoever started it: the child says which port
 * it listens on, and answers requests for a garbage-collected memory reading and for CPU time.
 */

export type ControlRequest = { id: number; type: 'memory' | 'cpu' | 'shutdown' };
export type ControlReply =
  | { type: 'listening'; port: number }
  | { id: number; type: 'memory'; rss: number; heapUsed: number }
  | { id: number; type: 'cpu'; userMicros: number; systemMicros: number }
  | { id: number; type: 'shutdown' };

/** In the child: announce the port, then answer requests until told to shut down. */
export function serveControlMessages(port: number, shutdown: () => Promise<void>): void {
  const send = (reply: ControlReply) => process.send?.(reply);
  process.on('message', (request: ControlRequest) => {
    switch (request.type) {
      case 'memory': {
        // Only with --expose-gc, which the parent passes: a reading after a full collection.
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        return send({ id: request.id, type: 'memory', rss, heapUsed });
      }
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return send({ id: request.id, type: 'cpu', userMicros: user, systemMicros: system });
      }
      case 'shutdown':
        void shutdown().finally(() => {
          send({ id: request.id, type: 'shutdown' });
          process.exit(0);
        });
    }
  });
  send({ type: 'listening', port });
}

import type { Duplex } from 'node:stream';

/** Longest wait for a refusal to reach the kernel before the socket is dropped regardless. */
const FLUSH_TIMEOUT_MS = 1_000;

/**
 * Answers a connection that has no response object (an upgrade, or a request the HTTP parser
 * refused) with a bodiless status, and closes it. `end()` alone only half-closes: a client that
 * never closes its side would keep the descriptor in CLOSE-WAIT, so the socket is destroyed once
 * the answer is written, or after a second if the client does not read.
 */
export function answerAndClose(
  socket: Duplex,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed) return;
  socket.on('error', () => socket.destroy());
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const timer = setTimeout(() => socket.destroy(), FLUSH_TIMEOUT_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`,
    () => socket.destroy(),
  );
}

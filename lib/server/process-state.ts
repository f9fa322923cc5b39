import { loadServerConfig, type ServerConfig } from './config';

/** Where this process serves signaling, which the pages need to know to reach it. */
export type SignalingPlacement =
  /** The custom server (`server.ts`): `/ws` on the page's own origin. */
  | { kind: 'same-origin' }
  /** Beside plain `next dev` or `next start` (see `instrumentation.ts`): its own port. */
  | { kind: 'own-port'; port: number }
  | { kind: 'not-running'; reason: string };

interface ProcessState {
  config?: ServerConfig;
  signaling?: SignalingPlacement;
}

// Next bundles the instrumentation hook, the proxy and every page separately, each with its own
// copy of this module, and the custom server is a bundle of its own: what they share is the process.
const state: ProcessState = ((globalThis as { [key: symbol]: ProcessState | undefined })[
  Symbol.for('meshcall.process-state')
] ??= {});

/**
 * This process's settings, read once from the environment. The custom server loads `.env` first
 * (as Next would), so the server and its pages see the same values.
 */
export function processConfig(): ServerConfig {
  state.config ??= loadServerConfig();
  return state.config;
}

export function setSignalingPlacement(placement: SignalingPlacement): void {
  state.signaling = placement;
}

export function signalingPlacement(): SignalingPlacement {
  return state.signaling ?? { kind: 'not-running', reason: 'signaling was never started' };
}

/** The port a page should open signaling on: null for its own origin's. */
export function signalingPortForPages(): number | null {
  const placement = signalingPlacement();
  return placement.kind === 'own-port' ? placement.port : null;
}

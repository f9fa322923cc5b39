import { signalingUrl } from '../signaling/signaling-client';
import { CallController } from './call-controller';
import type { CallStore } from './call-store';

/**
 * The call page's controller for `store`, talking to signaling on the page's origin (or on
 * `signalingPort` beside plain `next dev`). The one entry to the call's code, which the page
 * loads once its lobby shows (see `CallProvider`).
 */
export function createCallController(
  store: CallStore,
  location: Location,
  signalingPort: number | null,
): CallController {
  return new CallController(store, {
    signalingUrl: signalingUrl(location, signalingPort),
    healthUrl: '/healthz',
  });
}

import { useContext } from 'react';
import type { CallController } from '../call/call-controller';
import { CallControllerContext } from './call-context';

/**
 * The controller behind the call page, for event handlers (join, leave, toggles), in views shown
 * only once it runs: the call, and the screens the controller itself leads to.
 */
export function useCallController(): CallController {
  const controller = useContext(CallControllerContext);
  if (!controller)
    throw new Error('useCallController must be used inside <CallProvider>, once it has loaded.');
  return controller;
}

/**
 * The controller, or null while its code is still loading: for what the lobby shows from its
 * first paint (the lobby renders before the controller, see `CallProvider`).
 */
export function useCallControllerIfLoaded(): CallController | null {
  return useContext(CallControllerContext);
}

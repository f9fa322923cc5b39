import { useContext } from 'react';
import type { CallController } from '../call/call-controller';
import { CallControllerContext } from './call-context';

/** The controller behind the call page, for event handlers (join, leave, toggles). */
export function useCallController(): CallController {
  const controller = useContext(CallControllerContext);
  if (!controller) throw new Error('useCallController must be used inside <CallProvider>.');
  return controller;
}

import { useContext, useEffect, type RefObject } from 'react';
import { observeTileDisplay } from '../call/observe-tile-display';
import { CallControllerContext } from './call-context';

/**
 * Tells the call how the tile in `frameRef` shows `peerId`'s camera, so they send no more than
 * it shows. Does nothing for the own tile, or outside a call.
 */
export function useTileDisplay(frameRef: RefObject<HTMLElement | null>, peerId?: string): void {
  const controller = useContext(CallControllerContext);
  useEffect(() => {
    const element = frameRef.current;
    if (!element || !controller || peerId === undefined) return;
    const tile = controller.showsCamera(peerId);
    const stop = observeTileDisplay(element, (display) => tile.update(display));
    return () => {
      stop();
      tile.remove();
    };
  }, [frameRef, controller, peerId]);
}

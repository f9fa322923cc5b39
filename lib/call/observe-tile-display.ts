import type { TileDisplay } from './display-reporter';

/**
 * Watches how `element` (a tile) is shown: its size in device pixels, whether any of it can be
 * seen (in the viewport, and not covered by another element shown full screen), and whether it is
 * the full-screen element. Calls `onChange` with each new measure;
 * returns the teardown. Page visibility is the reporter's, not the tile's.
 */
export function observeTileDisplay(
  element: HTMLElement,
  onChange: (display: TileDisplay) => void,
): () => void {
  // Until the first intersection callback (right after observing), the tile counts as in view.
  let inView = true;
  const measure = () => {
    const box = element.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const shownFullScreen = document.fullscreenElement;
    onChange({
      width: Math.round(box.width * ratio),
      height: Math.round(box.height * ratio),
      // Another element shown full screen covers the whole page, this tile with it: the
      // intersection observer does not know, as the tile's layout has not changed.
      inView:
        inView &&
        (shownFullScreen === null ||
          shownFullScreen.contains(element) ||
          element.contains(shownFullScreen)),
      fullScreen: shownFullScreen?.contains(element) ?? false,
    });
  };
  const resize = new ResizeObserver(measure);
  const intersection = new IntersectionObserver((entries) => {
    const last = entries[entries.length - 1];
    if (!last) return;
    inView = last.isIntersecting;
    measure();
  });
  resize.observe(element);
  intersection.observe(element);
  document.addEventListener('fullscreenchange', measure);
  return () => {
    resize.disconnect();
    intersection.disconnect();
    document.removeEventListener('fullscreenchange', measure);
  };
}

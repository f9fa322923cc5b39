import type { TileDisplay } from './display-reporter';

/**
 * Watches how `element` (a tile) is shown: its size in device pixels, whether any of it is in the
 * viewport, and whether it is the full-screen element. Calls `onChange` with each new measure;
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
    onChange({
      width: Math.round(box.width * ratio),
      height: Math.round(box.height * ratio),
      inView,
      fullScreen: document.fullscreenElement?.contains(element) ?? false,
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

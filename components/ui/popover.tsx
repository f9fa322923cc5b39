'use client';

import { useState, type HTMLAttributes } from 'react';

/**
 * A popover (`popover="auto"`, opened by a `popovertarget` button or `togglePopover`) whose
 * content is rendered when it first opens, and kept from then on. Hidden content still costs its
 * render and its DOM: rendered with the call view, the settings and shortcuts popovers and the
 * link figures dialog made up about half of the work that holds back a newcomer's first offers.
 */
export function Popover({
  children,
  ...props
}: Omit<HTMLAttributes<HTMLDivElement>, 'popover' | 'onBeforeToggle'>) {
  const [opened, setOpened] = useState(false);
  return (
    <div
      {...props}
      popover="auto"
      // Fired as the popover starts to open: the content is there before its first paint.
      onBeforeToggle={(event) => {
        if (event.newState === 'open') setOpened(true);
      }}
    >
      {opened && children}
    </div>
  );
}

'use client';

import { useState, type HTMLAttributes } from 'react';

/**
 * A popover (`popover="auto"`, opened by a `popovertarget` button or `togglePopover`) whose
 * content is rendered when it first opens, and kept from then on. Hidden content still costs its
 * render, style and layout: rendered with the call view, the settings alone took about half of
 * the work that holds back a newcomer's first offers.
 */
export function Popover({ children, ...props }: HTMLAttributes<HTMLDivElement>) {
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

import type { LinkStatus } from '@/lib/call/call-store';

/** How each state of a link to someone reads, on their tile and in the participants list. */
export const LINK_STATUS_TEXT: Record<LinkStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Could not connect',
};

import type { RoomMode } from '../signaling/protocol';
import type { MediaPath } from './call-store';

/** Which way this page sends chat: over the peer links' data channel, or through our server. */
export type ChatRoute = 'peer-to-peer' | 'server';

/**
 * Chat goes through the server whenever the room is on the SFU (the server's word, which comes
 * before any media moves) or this page's media still flows through the media server (a room that
 * lost its SFU is back to `mesh` before its peer links are up). Either way every person in the
 * room gets the message: the server relays it to all of them, whatever mode their page is in.
 * Only in a mesh whose media flows peer to peer does chat use the links, which reach everyone.
 */
export function chatRoute(roomMode: RoomMode, mediaPath: MediaPath): ChatRoute {
  return roomMode === 'sfu' || mediaPath === 'media-server' ? 'server' : 'peer-to-peer';
}

/**
 * What the header and the People panel say about the call. `moving`: the room is on the SFU but
 * this page's video and sound still go straight to the others (a move not finished, or a page
 * that keeps its peer links); what counts for privacy is where media flows now.
 */
export type CallModeView = 'peer-to-peer' | 'moving-to-media-server' | 'media-server';

export function callModeView(roomMode: RoomMode, mediaPath: MediaPath): CallModeView {
  if (mediaPath === 'media-server') return 'media-server';
  return roomMode === 'sfu' ? 'moving-to-media-server' : 'peer-to-peer';
}

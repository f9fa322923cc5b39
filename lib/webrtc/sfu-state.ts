import type { MediaSource, TransportLinkState } from '../call/media-transport';
import { cameraBitrateCap, screenBitrateCap, type VideoQuality } from '../media/video-quality';
import {
  SFU_LAYERS,
  type MediaSource as PublishedSource,
  type SfuLayer,
} from '../signaling/protocol';

/**
 * The pure rules of the SFU transport (sfu-transport.ts), apart so they can be tested without a
 * browser.
 */

/** Outbox keys of the SFU transport's negotiations (see `SignalHolding`). */
export const PUBLISHER_KEY = 'sfu:publisher';
export const SUBSCRIBER_KEY = 'sfu:subscriber';

/** The top layer never sends more than this fraction of the chosen quality's bitrate, per layer. */
const MEDIUM_SHARE = 0.3;
const LOW_SHARE = 0.1;
/** Below this a layer is not worth decoding. */
const LAYER_FLOOR = 50_000;

/**
 * The three simulcast encodings of the camera, highest first (the order Janus expects), each
 * capped on its own: the media server forwards one of them to each subscriber, so the camera is
 * encoded once per layer whatever the size of the room, and the caps no longer depend on it.
 * Only the layers in `sent` are active (see `SfuLayerDemand`): nobody pays for a layer nobody
 * watches.
 */
export function simulcastEncodings(
  quality: VideoQuality,
  sent: readonly SfuLayer[] = SFU_LAYERS,
): RTCRtpEncodingParameters[] {
  // As if there were one other person: the top layer gets all the chosen quality needs.
  const top = cameraBitrateCap(quality, 1) ?? LAYER_FLOOR * 3;
  return [
    { layer: 'high', rid: 'h', maxBitrate: top },
    {
      layer: 'medium',
      rid: 'm',
      scaleResolutionDownBy: 2,
      maxBitrate: Math.max(LAYER_FLOOR, top * MEDIUM_SHARE),
    },
    {
      layer: 'low',
      rid: 'l',
      scaleResolutionDownBy: 4,
      maxBitrate: Math.max(LAYER_FLOOR, top * LOW_SHARE),
    },
  ].map(({ layer, ...encoding }) => ({
    ...encoding,
    maxBitrate: Math.round(encoding.maxBitrate),
    active: sent.includes(layer as SfuLayer),
  }));
}

/** The screen is sent once, to the media server: it gets the cap a two-person mesh would give. */
export function screenEncoding(): RTCRtpEncodingParameters {
  return { maxBitrate: screenBitrateCap(1) };
}

/** A published source as the call shows it: a microphone plays in the camera's tile. */
export function tileSourceOf(source: PublishedSource): MediaSource {
  return source === 'screen' || source === 'screen-audio' ? 'screen' : 'camera';
}

/**
 * One person's link as their tile shows it. Their media reaches us over our subscribing
 * connection once the subscription carries them; until then (or if they send nothing) what
 * matters is whether we reach the media server at all, through our publishing connection. If we
 * have neither, there is nothing to connect and nothing to wait for.
 */
export function personLinkState(
  carried: boolean,
  publisher: RTCPeerConnectionState | null,
  subscriber: RTCPeerConnectionState | null,
): TransportLinkState {
  if (carried) return subscriber ?? 'new';
  return publisher ?? subscriber ?? 'connected';
}

/** Whether a receiver's statistics show decoded media: a frame for video, packets for audio. */
export function decodedCount(kind: 'audio' | 'video', stats: Iterable<Record<string, unknown>>) {
  return largestInbound(stats, kind === 'video' ? 'framesDecoded' : 'packetsReceived');
}

/** RTP packets received so far by one receiver: still growing while its layer reaches us. */
export function packetsReceived(stats: Iterable<Record<string, unknown>>): number {
  return largestInbound(stats, 'packetsReceived');
}

function largestInbound(stats: Iterable<Record<string, unknown>>, field: string): number {
  let count = 0;
  for (const report of stats) {
    const value = report.type === 'inbound-rtp' ? report[field] : undefined;
    if (typeof value === 'number') count = Math.max(count, value);
  }
  return count;
}

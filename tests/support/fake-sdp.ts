import { randomBytes } from 'node:crypto';

/**
 * A hand-made SDP offer for tests that drive Janus without a browser. Janus answers it (it checks
 * its form, not whether anyone stands behind it), but no media ever flows from it, so Janus never
 * lists its publisher as live; media is tested with real browsers in e2e/janus-media.spec.ts.
 */

const FINGERPRINT = Array.from(randomBytes(32), (byte) =>
  byte.toString(16).padStart(2, '0').toUpperCase(),
).join(':');

function session(mids: string[]): string[] {
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids.join(' ')}`,
    'a=msid-semantic: WMS',
  ];
}

function transport(setup: 'actpass'): string[] {
  return [
    'c=IN IP4 127.0.0.1',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${randomBytes(3).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    `a=fingerprint:sha-256 ${FINGERPRINT}`,
    `a=setup:${setup}`,
    'a=rtcp-mux',
  ];
}

/** A publisher's offer: Opus on mid "0" and, with video, VP8 on mid "1". */
export function fakePublisherOffer({ video = true } = {}): string {
  const mids = video ? ['0', '1'] : ['0'];
  const lines = [
    ...session(mids),
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...transport('actpass'),
    'a=mid:0',
    'a=sendonly',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    `a=ssrc:${1000 + Math.floor(Math.random() * 1e6)} cname:fake`,
  ];
  if (video) {
    lines.push(
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      ...transport('actpass'),
      'a=mid:1',
      'a=sendonly',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 nack',
      'a=rtcp-fb:96 nack pli',
      `a=ssrc:${2000000 + Math.floor(Math.random() * 1e6)} cname:fake`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

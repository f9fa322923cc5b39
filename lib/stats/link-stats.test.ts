import { describe, expect, it } from 'vitest';
import { linkFigures, readSample, type StatsEntry } from './link-stats';

/** A report shaped like Chromium's: the transport names the selected pair. */
function chromiumReport(bytes: number, packets: number, lost: number): StatsEntry[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    {
      id: 'CP0',
      type: 'candidate-pair',
      localCandidateId: 'L0',
      remoteCandidateId: 'R0',
      currentRoundTripTime: 9,
    },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      currentRoundTripTime: 0.042,
    },
    { id: 'L0', type: 'local-candidate', candidateType: 'host' },
    { id: 'L1', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' },
    { id: 'C1', type: 'codec', mimeType: 'audio/opus' },
    { id: 'C2', type: 'codec', mimeType: 'video/VP8' },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      codecId: 'C1',
      bytesReceived: bytes / 4,
      packetsReceived: packets / 2,
      packetsLost: lost,
      jitter: 0.004,
    },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      codecId: 'C2',
      bytesReceived: (bytes * 3) / 4,
      packetsReceived: packets / 2,
      packetsLost: 0,
      jitter: 0.012,
      framesPerSecond: 29.6,
      frameWidth: 640,
      frameHeight: 480,
    },
    { id: 'OV', type: 'outbound-rtp', kind: 'video', bytesSent: bytes * 2 },
  ];
}

describe('readSample', () => {
  it('reads the selected pair, not another one, and sums the streams', () => {
    const sample = readSample(chromiumReport(1000, 100, 3), 0);
    expect(sample).toMatchObject({
      bytesReceived: 1000,
      bytesSent: 2000,
      packetsReceived: 100,
      packetsLost: 3,
      jitter: 0.012,
      roundTripTime: 0.042,
      framesPerSecond: 29.6,
      frameWidth: 640,
      frameHeight: 480,
      codec: 'VP8 / opus',
      localCandidate: 'relay',
      remoteCandidate: 'srflx',
    });
  });

  it('finds the pair Firefox flags as selected, and falls back to RTCP round trip', () => {
    const sample = readSample(
      [
        {
          id: 'p',
          type: 'candidate-pair',
          selected: true,
          localCandidateId: 'l',
          remoteCandidateId: 'r',
        },
        { id: 'l', type: 'local-candidate', candidateType: 'host' },
        { id: 'r', type: 'remote-candidate', candidateType: 'host' },
        { id: 'ri', type: 'remote-inbound-rtp', roundTripTime: 0.1 },
      ],
      0,
    );
    expect(sample.localCandidate).toBe('host');
    expect(sample.roundTripTime).toBe(0.1);
    expect(sample.codec).toBeNull();
  });
});

describe('linkFigures', () => {
  it('gives gauges but no rates for the first sample', () => {
    const figures = linkFigures(null, readSample(chromiumReport(1000, 100, 0), 0));
    expect(figures.bitrateInBps).toBeNull();
    expect(figures.packetLoss).toBeNull();
    expect(figures.roundTripMs).toBe(42);
    expect(figures.jitterMs).toBe(12);
    expect(figures.resolution).toBe('640×480');
    expect(figures.framesPerSecond).toBe(30);
  });

  it('gives bitrates and the loss of the interval between two samples', () => {
    const before = readSample(chromiumReport(10_000, 100, 2), 1_000);
    const after = readSample(chromiumReport(60_000, 290, 12), 3_000);
    const figures = linkFigures(before, after);
    expect(figures.bitrateInBps).toBe(200_000);
    expect(figures.bitrateOutBps).toBe(400_000);
    expect(figures.packetLoss).toBeCloseTo(10 / 200);
  });

  it('gives no rates when the counters went back (a new connection)', () => {
    const before = readSample(chromiumReport(60_000, 290, 0), 0);
    const after = readSample(chromiumReport(1_000, 10, 0), 2_000);
    expect(linkFigures(before, after).bitrateInBps).toBeNull();
  });
});

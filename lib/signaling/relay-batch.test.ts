import { describe, expect, it } from 'vitest';
import { RelayBatch, forEachFrame, isNotice } from './relay-batch';

/** Reads a batch the way the RELAY script does (`redis-scripts.ts`). */
function readBatch(bytes: Buffer) {
  const relays: { header: string[]; frame: string }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const endOfLine = bytes.indexOf(0x0a, at);
    const header = bytes.toString('utf8', at, endOfLine).split('\t');
    expect(header).toHaveLength(6);
    const length = Number(header[5]);
    const frame = bytes.subarray(endOfLine + 1, endOfLine + 1 + length);
    expect(bytes[endOfLine + 1 + length]).toBe(0x0a);
    relays.push({ header: header.slice(0, 5), frame: frame.toString() });
    at = endOfLine + 2 + length;
  }
  return relays;
}

describe('RelayBatch', () => {
  it('writes each frame with its header and its length in bytes, not characters', () => {
    const batch = new RelayBatch();
    const frames = ['{"type":"chat","text":"héllo 👋"}', '{"type":"candidate"}'];
    batch.add('r1', 'p2', { kind: 'other', subject: '', bytes: 40, frame: frames[0]! });
    batch.add('r1', 'p3', { kind: 'candidate', subject: 'p1', bytes: 20, frame: frames[1]! });
    expect(batch.size).toBe(2);
    expect(readBatch(batch.bytes())).toEqual([
      { header: ['r1', 'p2', 'other', '', '40'], frame: frames[0] },
      { header: ['r1', 'p3', 'candidate', 'p1', '20'], frame: frames[1] },
    ]);
  });

  it('grows past its first buffer without losing what it holds', () => {
    const batch = new RelayBatch();
    const frames = Array.from({ length: 40 }, (_, i) => `{"sdp":"${String(i).repeat(6_000)}ü"}`);
    for (const [i, frame] of frames.entries())
      batch.add('r', `p${i}`, { kind: 'description', subject: 's', bytes: 1, frame });
    expect(readBatch(batch.bytes()).map((relay) => relay.frame)).toEqual(frames);
  });

  it('writes the next batch into a released buffer from the start', () => {
    const first = new RelayBatch();
    first.add('r', 'a', { kind: 'other', subject: '', bytes: 1, frame: '{"n":1}' });
    first.release();
    const second = new RelayBatch();
    second.add('r', 'b', { kind: 'other', subject: '', bytes: 1, frame: '{"n":2}' });
    expect(readBatch(second.bytes())).toEqual([
      { header: ['r', 'b', 'other', '', '1'], frame: '{"n":2}' },
    ]);
  });

  it("keeps each relay's route, and a promise only for those awaited", async () => {
    const batch = new RelayBatch();
    batch.add('r', 'a', { kind: 'candidate', subject: 's', bytes: 1, frame: '{}' });
    const awaited = batch.addAwaited('r', 'b', {
      kind: 'other',
      subject: '',
      bytes: 1,
      frame: '{}',
    });
    expect(batch.routes).toEqual(['r', 's', 'a', 'r', '', 'b']);
    expect(batch.waiting[0]).toBeNull();
    batch.waiting[1]!.resolve('held');
    await expect(awaited).resolves.toBe('held');
  });
});

describe('forEachFrame', () => {
  /** A publication as the RELAY script makes it: relays of batches, as they were written. */
  function publication(...relays: [room: string, to: string, frame: string][]): Buffer {
    const batch = new RelayBatch();
    for (const [room, to, frame] of relays)
      batch.add(room, to, { kind: 'other', subject: 's', bytes: frame.length, frame });
    return Buffer.from(batch.bytes());
  }

  it('hands over each recipient and its frame as bytes, multi-byte text intact', () => {
    const frames = ['{"text":"ça va? 🎉\\n"}', '{"type":"candidate"}'];
    const message = publication(['r1', 'p1', frames[0]!], ['r2', 'p2', frames[1]!]);
    const seen: [string, string][] = [];
    forEachFrame(message, (peerId, frame) => seen.push([peerId, frame.toString()]));
    expect(seen).toEqual([
      ['p1', frames[0]],
      ['p2', frames[1]],
    ]);
  });

  it('reads the pieces of a batch that the script joined for one process', () => {
    const first = publication(['r', 'a', '{"n":1}'], ['r', 'b', '{"n":2}']);
    const second = publication(['r', 'a', '{"n":3}']);
    const seen: string[] = [];
    forEachFrame(Buffer.concat([first, second]), (peerId, frame) =>
      seen.push(`${peerId} ${frame.toString()}`),
    );
    expect(seen).toEqual(['a {"n":1}', 'b {"n":2}', 'a {"n":3}']);
  });

  it('stops at a relay cut short or malformed, keeping those before it', () => {
    const whole = publication(['r', 'a', '{"n":1}'], ['r', 'b', '{"n":2}']);
    const before = whole.subarray(0, whole.indexOf('r\tb'));
    for (const broken of [
      whole.subarray(0, whole.length - 1),
      Buffer.concat([before, Buffer.from('r\tb\n{}\n')]),
      Buffer.concat([before, Buffer.from('r\tb\to\ts\t1\t000000000x\n{}\n')]),
      Buffer.concat([before, Buffer.from('r\tb\to\ts\t1\t2\n{}\n')]),
      Buffer.concat([before, Buffer.from('r\tb\t0000000002\n{}\n')]),
      Buffer.concat([before, Buffer.from('r\tb\n\t0000000002\n{}\n')]),
      Buffer.concat([before, Buffer.from('r\tb\tx\t0000000002\n{}\n')]),
    ]) {
      const seen: string[] = [];
      forEachFrame(broken, (peerId) => seen.push(peerId));
      expect(seen).toEqual(['a']);
    }
  });

  it('reads the pairs a process of an earlier release publishes', () => {
    const frames = ['{"text":"ça va? 🎉"}', '{"type":"candidate"}'];
    const seen: [string, string][] = [];
    forEachFrame(Buffer.from(`p1\n${frames[0]}\np2\n${frames[1]}\np3`), (peerId, frame) =>
      seen.push([peerId, frame.toString()]),
    );
    expect(seen).toEqual([
      ['p1', frames[0]],
      ['p2', frames[1]],
    ]);
  });

  it('tells notices from relays', () => {
    expect(isNotice(Buffer.from('!claimed r p 3'))).toBe(true);
    expect(isNotice(publication(['r', 'p1', '{}']))).toBe(false);
  });
});

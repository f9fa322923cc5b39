import { describe, expect, it } from 'vitest';
import type { FileControlMessage } from '../control/control-message';
import { FileTransfers, type TransferView } from './file-transfers';

/** One end of an in-memory data channel pair; what one end sends, the other receives. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  other: FakeChannel | null = null;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly label: string) {
    super();
  }
  send(data: ArrayBuffer) {
    const other = this.other;
    queueMicrotask(() => other?.onmessage?.({ data }));
  }
  close() {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    const other = this.other;
    if (other && other.readyState !== 'closed') {
      other.readyState = 'closed';
      queueMicrotask(() => other.onclose?.());
    }
  }
}

/** Alice and Bob, each with a FileTransfers, wired through in-memory control and data channels. */
function pair() {
  const views: Record<'alice' | 'bob', readonly TransferView[]> = { alice: [], bob: [] };
  const sides = {} as Record<'alice' | 'bob', FileTransfers>;
  const make = (self: 'alice' | 'bob', other: 'alice' | 'bob') =>
    new FileTransfers({
      sendControl: (_peerId, message: FileControlMessage) =>
        queueMicrotask(() => sides[other].receiveControl(self, message)),
      openChannel: (_peerId, label) => {
        const mine = new FakeChannel(label);
        const theirs = new FakeChannel(label);
        mine.other = theirs;
        theirs.other = mine;
        setTimeout(() => {
          mine.readyState = theirs.readyState = 'open';
          sides[other].incomingChannel(self, theirs as unknown as RTCDataChannel);
          mine.onopen?.();
        });
        return mine as unknown as RTCDataChannel;
      },
      onChange: (transfers) => (views[self] = transfers),
      newId: () => 'transfer-1',
    });
  sides.alice = make('alice', 'bob');
  sides.bob = make('bob', 'alice');
  return { sides, views };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function bytes(count: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(count);
  for (let i = 0; i < count; i++) data[i] = (i * 31) % 251;
  return data;
}

describe('FileTransfers', () => {
  it('sends nothing until the receiver accepts, then delivers the same bytes', async () => {
    const { sides, views } = pair();
    const content = bytes(100_000);
    sides.alice.offer(new File([content], '../secret/report.pdf'), ['bob']);
    await settle();
    expect(views.bob).toMatchObject([
      { direction: 'incoming', name: 'report.pdf', size: 100_000, status: 'offered', bytes: 0 },
    ]);
    expect(views.alice[0]?.status).toBe('offered');

    sides.bob.accept('transfer-1');
    await expect.poll(() => views.bob[0]?.status).toBe('done');
    await expect.poll(() => views.alice[0]?.status).toBe('done');
    const url = views.bob[0]?.downloadUrl;
    expect(url).toMatch(/^blob:/);
    const received = new Uint8Array(await (await fetch(url!)).arrayBuffer());
    expect(received).toEqual(content);
  });

  it('tells the sender when the receiver declines', async () => {
    const { sides, views } = pair();
    sides.alice.offer(new File([bytes(10)], 'a.txt'), ['bob']);
    await settle();
    sides.bob.decline('transfer-1');
    await settle();
    expect(views.alice[0]).toMatchObject({ status: 'declined', reason: 'they-declined' });
    expect(views.bob[0]?.status).toBe('declined');
  });

  it('stops both sides when either cancels', async () => {
    const { sides, views } = pair();
    sides.alice.offer(new File([bytes(10)], 'a.txt'), ['bob']);
    await settle();
    sides.alice.cancel('transfer-1');
    await settle();
    expect(views.bob[0]).toMatchObject({ status: 'cancelled', reason: 'they-cancelled' });
  });

  it('fails clearly when the link is lost', async () => {
    const { sides, views } = pair();
    sides.alice.offer(new File([bytes(10)], 'a.txt'), ['bob']);
    await settle();
    sides.bob.linkLost('alice', 'link-dropped');
    expect(views.bob[0]).toMatchObject({ status: 'failed' });
  });

  it('refuses a file over the limit, and closes a channel no transfer asked for', () => {
    const { sides } = pair();
    const tooBig = { size: 200 * 1024 * 1024, name: 'big.iso' } as File;
    expect(sides.alice.offer(tooBig, ['bob'])).toBe('too-big');
    const stray = new FakeChannel('file:unknown');
    stray.readyState = 'open';
    expect(sides.bob.incomingChannel('alice', stray as unknown as RTCDataChannel)).toBe(true);
    expect(stray.readyState).toBe('closed');
  });

  it('ignores a message about a transfer from someone who is not part of it', async () => {
    const { sides, views } = pair();
    sides.alice.offer(new File([bytes(10)], 'a.txt'), ['bob']);
    await settle();
    sides.alice.receiveControl('mallory', { type: 'file-decline', transferId: 'transfer-1' });
    expect(views.alice[0]?.status).toBe('offered');
  });
});

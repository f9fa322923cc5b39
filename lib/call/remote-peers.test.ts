import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_DEADLINE_MS, RemotePeers, linkUpdate } from './remote-peers';

const BOB = 'BBBBBBBBBBBB';

describe('what a tile says about a link', () => {
  it('says connected whenever the link is', () => {
    expect(linkUpdate(false, 'connected', 'connecting')).toEqual({
      kind: 'show',
      link: 'connected',
    });
    expect(linkUpdate(true, 'connected', 'reconnecting')).toEqual({
      kind: 'show',
      link: 'connected',
    });
    // Even over a reported failure: it did connect in the end.
    expect(linkUpdate(true, 'connected', 'failed')).toEqual({ kind: 'show', link: 'connected' });
  });

  it('before the first connection: connecting, or a failure to report', () => {
    for (const state of ['new', 'connecting', 'disconnected', 'closed'] as const)
      expect(linkUpdate(false, state, 'connecting')).toEqual({ kind: 'show', link: 'connecting' });
    expect(linkUpdate(false, 'failed', 'connecting')).toEqual({ kind: 'report-failure' });
  });

  it('keeps a reported failure through background retries until the link connects', () => {
    for (const state of ['new', 'connecting', 'disconnected'] as const)
      expect(linkUpdate(false, state, 'failed')).toEqual({ kind: 'keep' });
  });

  it('after it has been up: reconnecting, never failed, while a new connection is made', () => {
    for (const state of ['new', 'connecting', 'disconnected', 'failed'] as const)
      expect(linkUpdate(true, state, 'connected')).toEqual({ kind: 'show', link: 'reconnecting' });
    expect(linkUpdate(true, 'closed', 'connected')).toEqual({ kind: 'show', link: 'connecting' });
  });
});

describe('RemotePeers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps one record per person', () => {
    const peers = new RemotePeers();
    const first = peers.add(BOB, () => {});
    expect(peers.add(BOB, () => {})).toBe(first);
    expect(peers.ids()).toEqual([BOB]);
    expect(peers.get(BOB)).toBe(first);
    expect(peers.remove(BOB)).toBe(true);
    expect(peers.remove(BOB)).toBe(false);
    expect(peers.get(BOB)).toBeUndefined();
  });

  it('calls a first connection slow once the deadline passes', () => {
    const slow = vi.fn();
    const peers = new RemotePeers();
    peers.add(BOB, slow);
    vi.advanceTimersByTime(CONNECT_DEADLINE_MS - 1);
    expect(slow).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(slow).toHaveBeenCalledWith(expect.objectContaining({ peerId: BOB }));
  });

  it('remembers a link that connected, which ends the deadline', () => {
    const slow = vi.fn();
    const peers = new RemotePeers();
    peers.add(BOB, slow);
    expect(peers.linkChanged(BOB, 'connected', 'connecting')).toEqual({
      kind: 'show',
      link: 'connected',
    });
    expect(peers.get(BOB)?.everConnected).toBe(true);
    expect(peers.linkChanged(BOB, 'failed', 'connected')).toEqual({
      kind: 'show',
      link: 'reconnecting',
    });
    vi.advanceTimersByTime(CONNECT_DEADLINE_MS);
    expect(slow).not.toHaveBeenCalled();
  });

  it('ignores links of people it does not know, and forgets deadlines of people who left', () => {
    const slow = vi.fn();
    const peers = new RemotePeers();
    expect(peers.linkChanged(BOB, 'connected', undefined)).toBeUndefined();
    peers.add(BOB, slow);
    peers.clear();
    vi.advanceTimersByTime(CONNECT_DEADLINE_MS);
    expect(slow).not.toHaveBeenCalled();
    expect(peers.ids()).toEqual([]);
  });
});

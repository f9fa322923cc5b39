import { describe, expect, it } from 'vitest';
import { REJOIN_WITHIN_MS, ReloadMemory, type RejoinTicket } from './reload-memory';

const KEY = 'meshcall.call.abc-defg-hij';
const BOB = 'BBBBBBBBBBBB';
const TICKET: RejoinTicket = {
  resumeToken: 'T'.repeat(32),
  name: 'Ann',
  microphoneOn: false,
  cameraOn: true,
};

/** sessionStorage as far as ReloadMemory uses it. */
function storage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('ReloadMemory', () => {
  it('gives a reloaded page the ticket the last one left as it went away, while it is recent', () => {
    const store = storage();
    let now = 1_000_000;
    new ReloadMemory(KEY, store, () => now).saveTicket(TICKET, { leaving: true });
    now += REJOIN_WITHIN_MS;
    expect(new ReloadMemory(KEY, store, () => now).rejoinTicket()).toEqual(TICKET);
    now += 1;
    expect(new ReloadMemory(KEY, store, () => now).rejoinTicket()).toBeNull();
  });

  it('gives no ticket while the page that saved it is still open: a duplicated tab shows the lobby', () => {
    const store = storage();
    const open = new ReloadMemory(KEY, store);
    open.saveTicket(TICKET, { leaving: false });
    expect(new ReloadMemory(KEY, store).rejoinTicket()).toBeNull();
    open.saveTicket(TICKET, { leaving: true });
    expect(new ReloadMemory(KEY, store).rejoinTicket()).toEqual(TICKET);
  });

  it('remembers connection epochs across a reload, and forgets them on request', () => {
    const store = storage();
    const before = new ReloadMemory(KEY, store);
    expect(before.recall(BOB)).toBeUndefined();
    before.remember(BOB, 3);
    const after = new ReloadMemory(KEY, store);
    expect(after.recall(BOB)).toBe(3);
    after.forget(BOB);
    expect(new ReloadMemory(KEY, store).recall(BOB)).toBeUndefined();
    after.remember(BOB, 4);
    after.forgetEpochs();
    expect(new ReloadMemory(KEY, store).recall(BOB)).toBeUndefined();
  });

  it('keeps nothing once the person has left', () => {
    const store = storage();
    const memory = new ReloadMemory(KEY, store);
    memory.saveTicket(TICKET, { leaving: true });
    memory.remember(BOB, 1);
    memory.clear();
    expect(store.items.size).toBe(0);
    expect(new ReloadMemory(KEY, store).rejoinTicket()).toBeNull();
    expect(memory.recall(BOB)).toBeUndefined();
  });

  it('ignores what it cannot trust: broken JSON, a bad token, a negative epoch', () => {
    const store = storage();
    for (const raw of [
      '{not json',
      JSON.stringify({
        ticket: { ...TICKET, resumeToken: 'short', leftAt: Date.now() },
        epochs: {},
      }),
      JSON.stringify({ ticket: null, epochs: { [BOB]: -1 } }),
      JSON.stringify({ ticket: null, epochs: { 'not a peer id': 1 } }),
    ]) {
      store.items.set(KEY, raw);
      const memory = new ReloadMemory(KEY, store);
      expect(memory.rejoinTicket()).toBeNull();
      expect(memory.recall(BOB)).toBeUndefined();
    }
  });

  it('works, forgetting everything, when storage is blocked or full', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const memory = new ReloadMemory(KEY, throwing);
    memory.saveTicket(TICKET, { leaving: true });
    memory.remember(BOB, 2);
    // Still answers for this page, from what it holds.
    expect(memory.recall(BOB)).toBe(2);
    expect(() => memory.clear()).not.toThrow();
    const none = new ReloadMemory(KEY, null);
    none.saveTicket(TICKET, { leaving: true });
    expect(none.rejoinTicket()).toEqual(TICKET);
  });
});

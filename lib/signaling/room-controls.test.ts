import { describe, expect, it } from 'vitest';
import { PASSWORD_GUESS_BUDGET, KeyedRateLimit } from './keyed-rate-limit';
import {
  admit,
  admitted,
  authorize,
  emptyControls,
  handOver,
  joined,
  left,
  removed,
  setHand,
  viewOf,
  type Joiner,
  type RoomControls,
} from './room-controls';

const guest: Joiner = { hostKeyHash: null, hasPassword: false, address: '192.0.2.1' };
const hosted = (changes: Partial<RoomControls> = {}): RoomControls => ({
  ...emptyControls(),
  hostPeerId: 'host-peer-00',
  hostKeyHash: 'key-hash',
  ...changes,
});

describe('who is host', () => {
  it('the first person into an empty room is host, and their key hash is kept', () => {
    const admission = admit(emptyControls(), { ...guest, hostKeyHash: 'k' }, true);
    expect(admission).toEqual({ ok: true, as: 'host' });
    const controls = joined(emptyControls(), 'first-peer-0', 'host', 'k');
    expect(controls.hostPeerId).toBe('first-peer-0');
    expect(controls.hostKeyHash).toBe('k');
  });

  it('the host key gets its holder back in as host, past a lock, a password and a waiting room', () => {
    const controls = hosted({ locked: true, passwordHash: 'x', waitingRoom: true });
    expect(admit(controls, { ...guest, hostKeyHash: 'key-hash' }, false)).toEqual({
      ok: true,
      as: 'host',
    });
  });

  it('a forged host key makes nobody host', () => {
    expect(admit(hosted(), { ...guest, hostKeyHash: 'forged' }, false)).toEqual({
      ok: true,
      as: 'member',
    });
    expect(joined(hosted(), 'guest-peer-0', 'member', 'forged').hostPeerId).toBe('host-peer-00');
  });

  it('only the host may take host actions', () => {
    expect(authorize(hosted(), 'host-peer-00', 'lock')).toEqual({ ok: true });
    const refusal = authorize(hosted(), 'guest-peer-0', 'remove');
    expect(refusal).toMatchObject({ ok: false, code: 'not-host' });
  });

  it('when the host leaves, whoever has been there longest takes over, and the old key is void', () => {
    const remaining = [
      { peerId: 'late-peer-00', joinOrder: 7 },
      { peerId: 'early-peer-0', joinOrder: 3 },
    ];
    const controls = left(
      hosted({ hands: ['host-peer-00', 'late-peer-00'] }),
      'host-peer-00',
      remaining,
    );
    expect(controls).toMatchObject({ hostPeerId: 'early-peer-0', hostKeyHash: null });
    expect(controls?.hands).toEqual(['late-peer-00']);
  });

  it('when someone else leaves the host stays; when the last leaves the controls go', () => {
    const remaining = [{ peerId: 'host-peer-00', joinOrder: 1 }];
    expect(left(hosted(), 'guest-peer-0', remaining)?.hostPeerId).toBe('host-peer-00');
    expect(left(hosted(), 'host-peer-00', [])).toBeNull();
  });

  it('handing over moves the role and voids the old key', () => {
    expect(handOver(hosted(), 'guest-peer-0')).toMatchObject({
      hostPeerId: 'guest-peer-0',
      hostKeyHash: null,
    });
  });
});

describe('who gets in', () => {
  it('a locked room refuses newcomers with a clear message', () => {
    const admission = admit(hosted({ locked: true }), guest, false);
    expect(admission).toMatchObject({ ok: false, code: 'room-locked' });
    if (!admission.ok) expect(admission.message).toMatch(/locked/);
  });

  it('a password room asks for the password, then has it checked', () => {
    const controls = hosted({ passwordHash: 'hash' });
    expect(admit(controls, guest, false)).toMatchObject({ ok: false, code: 'password-required' });
    expect(admit(controls, { ...guest, hasPassword: true }, false)).toEqual({
      ok: true,
      as: 'check-password',
    });
    expect(admit(controls, { ...guest, hasPassword: true }, false, true)).toEqual({
      ok: true,
      as: 'member',
    });
  });

  it('a waiting room makes newcomers knock (the waiting list says whether a declined one may yet)', () => {
    const controls = hosted({ waitingRoom: true });
    expect(admit(controls, guest, false)).toEqual({ ok: true, as: 'knock' });
    expect(admit(hosted(), guest, false)).toEqual({ ok: true, as: 'member' });
  });

  it('a removed person must knock again, even with the waiting room off, until admitted', () => {
    let controls = removed(hosted({ hands: ['guest-peer-0'] }), 'guest-peer-0', guest.address);
    expect(controls.hands).toEqual([]);
    expect(admit(controls, guest, false)).toEqual({ ok: true, as: 'knock' });
    controls = admitted(controls, guest.address);
    expect(admit(controls, guest, false)).toEqual({ ok: true, as: 'member' });
  });
});

describe('hands', () => {
  it('are listed in the order they went up, and come down on request', () => {
    let controls = setHand(hosted(), 'b-peer-00000', true);
    controls = setHand(controls, 'a-peer-00000', true);
    controls = setHand(controls, 'b-peer-00000', true);
    expect(viewOf(controls).hands).toEqual(['b-peer-00000', 'a-peer-00000']);
    expect(setHand(controls, 'b-peer-00000', false).hands).toEqual(['a-peer-00000']);
  });
});

describe('what everyone sees', () => {
  it('never includes the password hash, the key hash or addresses', () => {
    const controls = removed(hosted({ passwordHash: 'secret-hash' }), 'eve-peer-000', '192.0.2.1');
    const text = JSON.stringify(viewOf(controls));
    expect(text).not.toMatch(/secret-hash|key-hash|192\.0\.2\.1/);
    expect(viewOf(controls).hasPassword).toBe(true);
  });
});

describe('password guesses', () => {
  it('are limited per address: a burst, then refused until time passes', () => {
    let now = 0;
    const limit = new KeyedRateLimit(PASSWORD_GUESS_BUDGET, () => now);
    for (let i = 0; i < PASSWORD_GUESS_BUDGET.burst; i++) expect(limit.allow('a')).toBe(true);
    expect(limit.allow('a')).toBe(false);
    expect(limit.allow('b')).toBe(true);
    now += 1000 / PASSWORD_GUESS_BUDGET.refillPerSecond;
    expect(limit.allow('a')).toBe(true);
    expect(limit.allow('a')).toBe(false);
  });
});

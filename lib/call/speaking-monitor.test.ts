import { describe, expect, it, vi } from 'vitest';
import { SPEAKING_HOLD_MS, SPEAKING_THRESHOLD, SpeakingDetector } from '../media/audio-level';
import { SpeakingMonitor } from './speaking-monitor';

const BOB = 'BBBBBBBBBBBB';

function monitor() {
  const bob = { peerId: BOB, speaking: new SpeakingDetector(), audible: true };
  const levels = { bob: 0 };
  let now = 0;
  const events = { local: vi.fn(), remote: vi.fn() };
  const speaking = new SpeakingMonitor({
    microphoneOn: () => true,
    remotePeople: () => [bob],
    remoteLevel: () => levels.bob,
    onLocalSpeaking: events.local,
    onRemoteSpeaking: events.remote,
    now: () => now,
  });
  return {
    speaking,
    bob,
    levels,
    events,
    at(ms: number) {
      now = ms;
      speaking.sample();
    },
  };
}

describe('SpeakingMonitor', () => {
  it('shows a remote person speaking while loud, and for a moment after', () => {
    const m = monitor();
    m.levels.bob = SPEAKING_THRESHOLD;
    m.at(1_000);
    expect(m.events.remote).toHaveBeenLastCalledWith(BOB, true);
    m.levels.bob = 0;
    m.at(1_000 + SPEAKING_HOLD_MS - 1);
    expect(m.events.remote).toHaveBeenLastCalledWith(BOB, true);
    m.at(1_000 + SPEAKING_HOLD_MS);
    expect(m.events.remote).toHaveBeenLastCalledWith(BOB, false);
  });

  it('does not read the level of someone who announced their microphone off', () => {
    const m = monitor();
    m.bob.audible = false;
    m.levels.bob = 1;
    m.at(1_000);
    expect(m.events.remote).toHaveBeenLastCalledWith(BOB, false);
  });

  it('reports the local microphone silent when there is no track to meter', () => {
    const m = monitor();
    m.at(1_000);
    expect(m.speaking.localLevel()).toBe(0);
    expect(m.events.local).toHaveBeenLastCalledWith(false);
  });
});

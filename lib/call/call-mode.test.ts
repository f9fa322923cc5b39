import { describe, expect, it } from 'vitest';
import { callModeView, chatRoute } from './call-mode';

describe('chatRoute', () => {
  it('goes through the server when the room is on the SFU or media still flows through it', () => {
    expect(chatRoute('mesh', 'peer-to-peer')).toBe('peer-to-peer');
    // The server moved the room: its relay reaches everyone at once, links or not.
    expect(chatRoute('sfu', 'peer-to-peer')).toBe('server');
    expect(chatRoute('sfu', 'media-server')).toBe('server');
    // The SFU was lost: back to a mesh, but the peer links are not up yet.
    expect(chatRoute('mesh', 'media-server')).toBe('server');
  });
});

describe('callModeView', () => {
  it('says media goes through the server exactly when it does', () => {
    expect(callModeView('mesh', 'peer-to-peer')).toBe('peer-to-peer');
    expect(callModeView('sfu', 'peer-to-peer')).toBe('moving-to-media-server');
    expect(callModeView('sfu', 'media-server')).toBe('media-server');
    expect(callModeView('mesh', 'media-server')).toBe('media-server');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, iceServersFor, loadServerConfig, publicRelaySettings } from './config';

describe('loadServerConfig', () => {
  it('has defaults that leave a 6-person call alone', () => {
    const config = loadServerConfig({});
    expect(config).toMatchObject({
      port: 3000,
      roomCapacity: 6,
      rateLimitPerSecond: 100,
      rateLimitBurst: 500,
      rateLimitStrikes: 20,
      maxConnectionsPerIp: 50,
      maxConnections: 10_000,
      maxBufferedBytes: 1024 * 1024,
      trustProxy: 0,
    });
  });

  it('reads the limits from the environment', () => {
    const config = loadServerConfig({
      RATE_LIMIT_MESSAGES_PER_SECOND: '10',
      RATE_LIMIT_BURST: '20',
      RATE_LIMIT_STRIKES: '3',
      MAX_CONNECTIONS_PER_IP: '4',
      MAX_CONNECTIONS: '5',
      MAX_BUFFERED_BYTES: '65536',
      TRUST_PROXY: '1',
    });
    expect(config).toMatchObject({
      rateLimitPerSecond: 10,
      rateLimitBurst: 20,
      rateLimitStrikes: 3,
      maxConnectionsPerIp: 4,
      maxConnections: 5,
      maxBufferedBytes: 65536,
      trustProxy: 1,
    });
  });

  it('names the variable when a value is out of range', () => {
    expect(() => loadServerConfig({ MAX_CONNECTIONS_PER_IP: '0' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ RATE_LIMIT_BURST: 'lots' })).toThrow(/RATE_LIMIT_BURST/);
    expect(() => loadServerConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });

  it('gives each peer STUN plus TURN with its own credentials, and the page only whether TURN exists', () => {
    const config = loadServerConfig({
      STUN_URLS: 'stun:stun.example.org:3478',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      TURN_SECRET: 'shh',
      TURN_TTL_SECONDS: '600',
      ICE_TRANSPORT_POLICY: 'relay',
    });
    expect(config.turn).toMatchObject({
      urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
      ttlSeconds: 600,
    });
    const turn = { urls: config.turn!.urls, username: '1:AbCdEfGhIjKl', credential: 'c' };
    expect(iceServersFor(config, turn)).toEqual([{ urls: ['stun:stun.example.org:3478'] }, turn]);
    expect(publicRelaySettings(config)).toEqual({ available: true, forced: true });
    expect(publicRelaySettings(loadServerConfig({}))).toEqual({ available: false, forced: false });
    expect(iceServersFor(loadServerConfig({}), null)).toEqual([]);
  });

  it('refuses TURN settings that cannot work', () => {
    expect(() => loadServerConfig({ TURN_URLS: 'turn:t.example.org' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ TURN_SECRET: 'shh' })).toThrow(/TURN_URLS and TURN_SECRET/);
    expect(() =>
      loadServerConfig({ TURN_URLS: 'http://t.example.org', TURN_SECRET: 'shh' }),
    ).toThrow(/turn:/);
  });
});

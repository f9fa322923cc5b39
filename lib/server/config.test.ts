import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './config';

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
});

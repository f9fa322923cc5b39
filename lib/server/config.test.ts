import { describe, expect, it } from 'vitest';
import { codeSpans, markdownTable, readRepoFile } from '../../tests/support/markdown-table';
import {
  ConfigError,
  VARIABLES,
  iceServersFor,
  loadServerConfig,
  publicRelaySettings,
} from './config';

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
    expect(publicRelaySettings(loadServerConfig({}))).toEqual({
      available: false,
      forced: false,
    });
    expect(iceServersFor(loadServerConfig({}), null)).toEqual([]);
  });

  it('turns the SFU on with JANUS_URL and its secret, and lets rooms past a dozen only then', () => {
    expect(loadServerConfig({})).toMatchObject({ janusUrl: null, meshMax: 4 });
    expect(() => loadServerConfig({ ROOM_CAPACITY: '13' })).toThrow(/JANUS_URL/);
    expect(loadServerConfig({ ROOM_CAPACITY: '12' }).roomCapacity).toBe(12);
    const janus = { JANUS_URL: 'ws://127.0.0.1:8188', JANUS_API_SECRET: 's3cret' };
    expect(loadServerConfig({ ...janus, ROOM_CAPACITY: '50', MESH_MAX: '2' })).toMatchObject({
      janusUrl: 'ws://127.0.0.1:8188',
      janusApiSecret: 's3cret',
      roomCapacity: 50,
      meshMax: 2,
    });
    expect(() => loadServerConfig({ ...janus, ROOM_CAPACITY: '51' })).toThrow(/ROOM_CAPACITY/);
    expect(() => loadServerConfig({ JANUS_URL: janus.JANUS_URL })).toThrow(/JANUS_API_SECRET/);
    expect(() => loadServerConfig({ ...janus, JANUS_URL: 'http://127.0.0.1:8088' })).toThrow(
      /JANUS_URL/,
    );
    expect(() => loadServerConfig({ MESH_MAX: '1' })).toThrow(/MESH_MAX/);
  });

  it('refuses TURN settings that cannot work', () => {
    expect(() => loadServerConfig({ TURN_URLS: 'turn:t.example.org' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ TURN_SECRET: 'shh' })).toThrow(/TURN_URLS and TURN_SECRET/);
    expect(() =>
      loadServerConfig({ TURN_URLS: 'http://t.example.org', TURN_SECRET: 'shh' }),
    ).toThrow(/turn:/);
  });
});

describe('PUBLIC_ORIGIN', () => {
  it('is an origin: scheme, host and port, the default port dropped', () => {
    expect(loadServerConfig({ PUBLIC_ORIGIN: 'https://call.example.com:443' }).publicOrigin).toBe(
      'https://call.example.com',
    );
    expect(loadServerConfig({ PUBLIC_ORIGIN: 'http://10.0.0.5:3000/' }).publicOrigin).toBe(
      'http://10.0.0.5:3000',
    );
    for (const wrong of ['call.example.com', 'https://call.example.com/app', 'ftp://x.example']) {
      expect(() => loadServerConfig({ PUBLIC_ORIGIN: wrong }), wrong).toThrow(/PUBLIC_ORIGIN/);
    }
  });

  it('is required in production behind a proxy, whose address the server cannot know', () => {
    expect(() => loadServerConfig({ NODE_ENV: 'production', TRUST_PROXY: '1' })).toThrow(
      /set PUBLIC_ORIGIN/,
    );
    expect(
      loadServerConfig({
        NODE_ENV: 'production',
        TRUST_PROXY: '1',
        PUBLIC_ORIGIN: 'https://call.example.com',
      }).trustProxy,
    ).toBe(1);
  });
});

/** Name -> default ("(none)" is null) for each variable in a settings table's first two columns. */
function documentedDefaults(rows: string[][]): Map<string, string | null> {
  const defaults = new Map<string, string | null>();
  for (const [names = '', fallback = ''] of rows) {
    for (const name of codeSpans(names)) {
      defaults.set(name, fallback === '(none)' ? null : (codeSpans(fallback)[0] ?? fallback));
    }
  }
  return defaults;
}

describe('the documented settings match lib/server/config.ts', () => {
  const known = new Map(VARIABLES.map((variable) => [variable.name, variable.default]));

  it('docs/configuration.md has a row for every setting, with its default, and no other', () => {
    const documented = documentedDefaults(
      markdownTable(readRepoFile('docs/configuration.md'), 'Variable'),
    );
    const missing = [...known.keys()].filter((name) => !documented.has(name));
    expect(missing, 'add a row to docs/configuration.md for').toEqual([]);
    const unknown = [...documented.keys()].filter((name) => !known.has(name));
    expect(unknown, 'docs/configuration.md documents settings config.ts lacks').toEqual([]);
    for (const [name, fallback] of documented) {
      expect(fallback, `default of ${name} in docs/configuration.md`).toBe(known.get(name));
    }
  });

  it('the README’s short table agrees with them', () => {
    const documented = documentedDefaults(markdownTable(readRepoFile('README.md'), 'Variable'));
    for (const [name, fallback] of documented) {
      expect(known.has(name), `README names ${name}`).toBe(true);
      expect(fallback, `default of ${name} in README.md`).toBe(known.get(name));
    }
  });

  it('.env.example sets every setting with a default to it, and shows the others commented out', () => {
    const lines = readRepoFile('.env.example').split('\n');
    const entries = lines.flatMap((line) => {
      const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      return match ? [{ name: match[2] ?? '', value: match[3] ?? '', commented: !!match[1] }] : [];
    });
    const listed = new Set(entries.map((entry) => entry.name));
    expect(
      [...known.keys()].filter((name) => !listed.has(name)),
      'add to .env.example',
    ).toEqual([]);
    for (const { name, value, commented } of entries) {
      expect(known.has(name), `.env.example sets ${name}, which config.ts does not read`).toBe(
        true,
      );
      const fallback = known.get(name) ?? null;
      if (fallback === null) expect(commented, `${name} has no default: comment it out`).toBe(true);
      else
        expect({ value, commented }, `${name} in .env.example`).toEqual({
          value: fallback,
          commented: false,
        });
    }
  });
});

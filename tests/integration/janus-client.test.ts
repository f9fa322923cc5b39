import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JanusConnection } from '../../lib/server/sfu/janus-connection';
import {
  JanusConnectionError,
  JanusError,
  JanusTimeoutError,
  JANUS_CORE_ERROR,
  VIDEOROOM_ERROR,
} from '../../lib/server/sfu/janus-errors';
import { JanusSession } from '../../lib/server/sfu/janus-session';
import { VideoRoomHandle } from '../../lib/server/sfu/videoroom-handle';
import { janusExecutable, NO_JANUS, startJanus, type JanusServer } from '../support/janus-server';

const SESSION_TIMEOUT_SECONDS = 2;
const hasJanus = janusExecutable() !== null;
if (!hasJanus) console.warn(NO_JANUS);

describe.skipIf(!hasJanus)('Janus client against a real Janus', () => {
  let janus: JanusServer;
  const connections: JanusConnection[] = [];

  beforeAll(async () => {
    janus = await startJanus({ sessionTimeoutSeconds: SESSION_TIMEOUT_SECONDS });
  });
  afterAll(async () => {
    await janus?.stop();
  });
  afterEach(() => {
    for (const connection of connections.splice(0)) connection.close();
  });

  async function connect(apiSecret = janus.apiSecret, requestTimeoutMs = 3_000) {
    const connection = await JanusConnection.open({ url: janus.url, apiSecret, requestTimeoutMs });
    connections.push(connection);
    return connection;
  }

  it('says the shipped config requires an API secret and loads VideoRoom alone', async () => {
    const info = await (await connect()).info();
    expect(info.apiSecretRequired).toBe(true);
    expect(info.plugins).toEqual(['janus.plugin.videoroom']);
  });

  it('refuses a request with a wrong secret with a typed error', async () => {
    const connection = await connect('not-the-secret');
    const refusal = await JanusSession.create(connection).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(JanusError);
    expect((refusal as JanusError).code).toBe(JANUS_CORE_ERROR.unauthorized);
    expect((refusal as JanusError).message).toMatch(/refused "create".*Unauthorized/i);
  });

  it('creates a room idempotently, guards it with its secret, and destroys it', async () => {
    const session = await JanusSession.create(await connect());
    const handle = await VideoRoomHandle.attach(session);
    const room = 900_000 + Math.floor(Math.random() * 100_000);
    const settings = {
      room,
      secret: 'room-secret',
      pin: 'room-pin',
      description: 'test room',
      publishers: 10,
    };
    expect(await handle.roomExists(room)).toBe(false);
    expect(await handle.createRoom(settings)).toBe(true);
    expect(await handle.createRoom(settings)).toBe(false);
    expect(await handle.roomExists(room)).toBe(true);
    await handle.checkRoomSecret(room, 'room-secret', 'test room');

    const wrongSecret = await handle.destroyRoom(room, 'guess').catch((error: unknown) => error);
    expect(wrongSecret).toBeInstanceOf(JanusError);
    expect((wrongSecret as JanusError).code).toBe(VIDEOROOM_ERROR.unauthorized);
    const wrongPin = await handle
      .joinAsPublisher({ room, pin: 'guess', display: 'x' })
      .catch((error: unknown) => error);
    expect((wrongPin as JanusError).code).toBe(VIDEOROOM_ERROR.unauthorized);

    const joined = await handle.joinAsPublisher({ room, pin: 'room-pin', display: 'alice' });
    expect(await handle.listParticipants(room)).toEqual([
      expect.objectContaining({ id: joined.feed, display: 'alice', publisher: false }),
    ]);

    expect(await handle.destroyRoom(room, 'room-secret')).toBe(true);
    expect(await handle.roomExists(room)).toBe(false);
    expect(await handle.destroyRoom(room, 'room-secret')).toBe(false);
    await session.destroy();
  });

  it('keeps a session alive past Janus’s session timeout with keepalives', async () => {
    const kept = await JanusSession.create(await connect(), { keepaliveMs: 500 });
    const neglected = await JanusSession.create(await connect(), { keepaliveMs: 60_000 });
    const neglectedLost = new Promise<string>((resolve) => neglected.onLost(resolve));
    // Janus checks timeouts about once a second: well past the timeout, the neglected one is gone.
    expect(await neglectedLost).toMatch(/timed the session out/);
    await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_SECONDS * 1000));
    expect(kept.lost).toBe(false);
    const handle = await VideoRoomHandle.attach(kept);
    expect(await handle.roomExists(1)).toBe(false);
    await kept.destroy();
  }, 15_000);

  it('fails a request to a Janus that hangs within the timeout, and reports the connection lost', async () => {
    const connection = await connect(janus.apiSecret, 1_000);
    const session = await JanusSession.create(connection, { keepaliveMs: 300 });
    const lost = new Promise<string>((resolve) => session.onLost(resolve));
    janus.freeze();
    try {
      const started = Date.now();
      const failure = await session
        .attach('janus.plugin.videoroom')
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(failure instanceof JanusTimeoutError || failure instanceof JanusConnectionError).toBe(
        true,
      );
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(await lost).toMatch(/keepalive|not responding|closed/);
      expect(connection.closed).toBe(true);
    } finally {
      janus.thaw();
    }
  });

  it('reports a killed Janus at once, fails requests fast, and works again after a restart', async () => {
    const connection = await connect();
    const session = await JanusSession.create(connection);
    const closed = new Promise<string>((resolve) => connection.onClose(resolve));
    await janus.kill();
    expect(await closed).toMatch(/closed|failed/);
    await expect(session.attach('janus.plugin.videoroom')).rejects.toBeInstanceOf(
      JanusConnectionError,
    );
    await expect(JanusConnection.open({ url: janus.url })).rejects.toBeInstanceOf(
      JanusConnectionError,
    );
    await janus.restart();
    const again = await JanusSession.create(await connect());
    expect(again.lost).toBe(false);
    await again.destroy();
  });
});

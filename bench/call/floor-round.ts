import { createRoomId } from '../../lib/room-id';
import { AUDIO_PROCESSING } from '../../lib/media/local-media';
import { DEFAULT_VIDEO_QUALITY, videoConstraints } from '../../lib/media/video-quality';
import { withPeople, type Cast } from './cast';
import { callFloorPeers, setUpFloorPeer, type FloorPeerConfig } from './floor-peer';
import type { FloorRelay } from './floor-relay';
import { setupTiming, type SetupTiming } from './setup-timing';

/** What the app asks of the camera and microphone by default, and how it configures its links. */
function appMedia(): Pick<FloorPeerConfig, 'audio' | 'video' | 'configuration'> {
  if (DEFAULT_VIDEO_QUALITY === 'audio-only') throw new Error('The floor needs a default camera.');
  return {
    audio: AUDIO_PROCESSING,
    video: videoConstraints(DEFAULT_VIDEO_QUALITY, null),
    // No ICE servers: the app's server configures none by default, and this is one machine.
    configuration: { bundlePolicy: 'max-bundle', iceServers: [], iceTransportPolicy: 'all' },
  };
}

/**
 * One floor round: the same people as a join round, joining one after another, with bare
 * RTCPeerConnections signaled through the floor relay. Each newcomer's page first holds its camera
 * and an open socket (as the lobby does), then offers to everyone already there; it is timed from
 * that moment to frames from all of them.
 */
export async function runFloorRound(
  cast: Cast,
  relay: FloorRelay,
  names: readonly string[],
): Promise<SetupTiming[]> {
  const room = createRoomId();
  return withPeople(cast, names, async (people) => {
    const newcomers: SetupTiming[] = [];
    for (const [index, person] of people.entries()) {
      await person.driver.goto(relay.pageUrl);
      await person.evaluate(setUpFloorPeer, {
        socketUrl: relay.socketUrl,
        room,
        name: person.name,
        ...appMedia(),
      });
      if (index === 0) continue;
      const remotes = names.slice(0, index);
      const startedAt = await person.evaluate(callFloorPeers, remotes);
      newcomers.push(await setupTiming(person, remotes, startedAt));
    }
    return newcomers;
  });
}

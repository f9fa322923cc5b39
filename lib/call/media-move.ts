import type { MediaState } from '../signaling/protocol';

/** A source as the move counts it: what a person sends, from their announced media flags. */
export type MovedSource = 'microphone' | 'camera' | 'screen';

/** What the controller should do after an event of the move. */
export interface MoveStep {
  /** Show the SFU's track for these (person, source) now: it has decoded media. */
  switchTiles: { peerId: string; source: MovedSource }[];
  /** Every announced source of these people plays from the SFU: close their peer links. */
  closeMeshLinks: string[];
  /** Nobody is left on the mesh: the move is over. */
  complete: boolean;
}

/**
 * Make before break, as state: while a room moves from mesh to SFU, each person's tile keeps the
 * mesh track for a source until the SFU's track for it has decoded media; a person's peer link
 * closes only once every source they announce plays from the SFU. Someone who announces nothing
 * (microphone and camera off) is moved once the SFU subscription carries them at all, since there
 * is nothing to wait for. Pure: the controller feeds it events and acts on the steps.
 */
export class MediaMove {
  private readonly people = new Map<
    string,
    { media: MediaState; live: Set<MovedSource>; subscribed: boolean }
  >();
  private readonly closed = new Set<string>();

  constructor(people: readonly { peerId: string; media: MediaState }[]) {
    for (const { peerId, media } of people) {
      this.people.set(peerId, { media, live: new Set(), subscribed: false });
    }
  }

  /** The SFU's track for that person and source decoded its first frame (audio: packets). */
  live(peerId: string, source: MovedSource): MoveStep {
    const person = this.people.get(peerId);
    if (!person || this.closed.has(peerId)) return this.step([]);
    const fresh = !person.live.has(source);
    person.live.add(source);
    person.subscribed = true;
    return this.step(fresh ? [{ peerId, source }] : []);
  }

  /** The subscription now carries this person (a mid is listed for them). */
  subscribed(peerId: string): MoveStep {
    const person = this.people.get(peerId);
    if (person) person.subscribed = true;
    return this.step([]);
  }

  /** Their flags changed mid-move: a source turned off is no longer waited for. */
  updated(peerId: string, media: MediaState): MoveStep {
    const person = this.people.get(peerId);
    if (person) person.media = media;
    return this.step([]);
  }

  /** They left the call: nothing to wait for. */
  left(peerId: string): MoveStep {
    this.people.delete(peerId);
    this.closed.delete(peerId);
    return this.step([]);
  }

  /** Who still has a peer link open for the move. */
  waitingFor(): string[] {
    return [...this.people.keys()].filter((peerId) => !this.closed.has(peerId));
  }

  private step(switchTiles: MoveStep['switchTiles']): MoveStep {
    const closeMeshLinks: string[] = [];
    for (const [peerId, person] of this.people) {
      if (this.closed.has(peerId) || !person.subscribed) continue;
      const needed = announced(person.media);
      if (needed.every((source) => person.live.has(source))) {
        this.closed.add(peerId);
        closeMeshLinks.push(peerId);
      }
    }
    return { switchTiles, closeMeshLinks, complete: this.waitingFor().length === 0 };
  }
}

function announced(media: MediaState): MovedSource[] {
  const sources: MovedSource[] = [];
  if (media.audio) sources.push('microphone');
  if (media.video) sources.push('camera');
  if (media.screen !== null) sources.push('screen');
  return sources;
}

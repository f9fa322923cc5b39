import type { MediaState } from '../signaling/protocol';

/** A source as the move counts it: what a person sends, from their announced media flags. */
export type MovedSource = 'microphone' | 'camera' | 'screen';

/** What the controller should do after an event of the move. */
export interface MoveStep {
  /** Show the SFU's track for these (person, source) now: it has decoded media. */
  switchTiles: { peerId: string; source: MovedSource }[];
  /**
   * Every announced source of these people now plays from the SFU: their tiles follow its link,
   * and each is told so over the peer link, which their own view of us may still need.
   */
  moved: string[];
  /** Both ends of these peer links play each other from the SFU: close them. */
  closeMeshLinks: string[];
}

/**
 * Make before break, as state: while a room moves from mesh to SFU, each person's tile keeps the
 * mesh track for a source until the SFU's track for it has decoded media. A person is moved once
 * every source they announce plays from the SFU. Someone who announces nothing (microphone and
 * camera off) is moved once the SFU subscription carries them at all, since there is nothing to
 * wait for.
 *
 * A peer link carries media both ways, and the two ends finish their moves at different times,
 * so a link closes only once both ends have moved each other: we have moved them, and they said
 * they have moved us (or we stopped waiting for them to say so, see `peerMoved`). Closing it as
 * soon as our end is done would freeze their tile of us until their own SFU track plays.
 *
 * Pure: the controller feeds it events and acts on the steps.
 */
export class MediaMove {
  private readonly people = new Map<
    string,
    { media: MediaState; live: Set<MovedSource>; subscribed: boolean }
  >();
  /** People whose media we play from the SFU. */
  private readonly moved = new Set<string>();
  /** People who play us from the SFU. */
  private readonly movedUs = new Set<string>();
  private readonly closed = new Set<string>();

  constructor(people: readonly { peerId: string; media: MediaState }[]) {
    for (const { peerId, media } of people) {
      this.people.set(peerId, { media, live: new Set(), subscribed: false });
    }
  }

  /** The SFU's track for that person and source decoded its first frame (audio: packets). */
  live(peerId: string, source: MovedSource): MoveStep {
    const person = this.people.get(peerId);
    if (!person || this.moved.has(peerId)) return this.step([]);
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

  /**
   * They play us from the SFU now (they said so over the peer link), or we stop waiting for them
   * to say so: a page that never will (an older version, or one whose subscription never plays)
   * must not keep the link open for ever.
   */
  peerMoved(peerId: string): MoveStep {
    if (this.people.has(peerId)) this.movedUs.add(peerId);
    return this.step([]);
  }

  /** They left the call: nothing to wait for. */
  left(peerId: string): MoveStep {
    this.people.delete(peerId);
    this.moved.delete(peerId);
    this.movedUs.delete(peerId);
    this.closed.delete(peerId);
    return this.step([]);
  }

  /** Every link of the move is closed (or its person left): the move is over. */
  done(): boolean {
    return [...this.people.keys()].every((peerId) => this.closed.has(peerId));
  }

  /** Whose media still plays from their peer link. */
  waitingFor(): string[] {
    return [...this.people.keys()].filter((peerId) => !this.moved.has(peerId));
  }

  private step(switchTiles: MoveStep['switchTiles']): MoveStep {
    const moved: string[] = [];
    const closeMeshLinks: string[] = [];
    for (const [peerId, person] of this.people) {
      if (!this.moved.has(peerId) && person.subscribed) {
        const needed = announced(person.media);
        if (needed.every((source) => person.live.has(source))) {
          this.moved.add(peerId);
          moved.push(peerId);
        }
      }
      if (this.moved.has(peerId) && this.movedUs.has(peerId) && !this.closed.has(peerId)) {
        this.closed.add(peerId);
        closeMeshLinks.push(peerId);
      }
    }
    return { switchTiles, moved, closeMeshLinks };
  }
}

function announced(media: MediaState): MovedSource[] {
  const sources: MovedSource[] = [];
  if (media.audio) sources.push('microphone');
  if (media.video) sources.push('camera');
  if (media.screen !== null) sources.push('screen');
  return sources;
}

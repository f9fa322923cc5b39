import type { LinkKeys } from './link-keys';
import { safetyCode } from './safety-code';
import type { TrustStatus, VerifiedPeople } from './verified-people';

/** What the People panel shows for one remote person on a peer-to-peer link. */
export interface SafetyView {
  words: readonly string[];
  /** Their certificate, as the mark of verification is kept against it. */
  remoteFingerprint: string;
  status: TrustStatus;
}

export interface PeerVerificationOptions {
  people: VerifiedPeople;
  /** The person's display name now. */
  nameOf(peerId: string): string;
  /** Shows (or, with null, clears) a person's code. */
  publish(peerId: string, view: SafetyView | null): void;
}

interface Known {
  keys: LinkKeys;
  words: readonly string[] | null;
}

/**
 * Safety codes of the people in a call: computed from each peer-to-peer link's keys as the
 * transport reports them, with whether this browser verified that person's certificate before.
 * A transport whose media goes through a server reports no keys, so nobody there gets a code.
 */
export class PeerVerification {
  private readonly known = new Map<string, Known>();

  constructor(private readonly options: PeerVerificationOptions) {}

  /** `peerId`'s link is connected with these certificates. */
  async linkKeys(peerId: string, keys: LinkKeys): Promise<void> {
    const current = this.known.get(peerId);
    if (current?.words && sameKeys(current.keys, keys)) return this.show(peerId);
    const entry: Known = { keys, words: null };
    this.known.set(peerId, entry);
    const words = await safetyCode(keys.local, keys.remote);
    // A newer link (or the person leaving) while hashing wins.
    if (this.known.get(peerId) !== entry) return;
    entry.words = words;
    this.show(peerId);
  }

  /** Marks `peerId`'s current certificate as verified (or not) for their current name. */
  setVerified(peerId: string, verified: boolean): void {
    const entry = this.known.get(peerId);
    if (!entry?.words) return;
    if (verified) this.options.people.markVerified(entry.keys.remote, this.options.nameOf(peerId));
    else this.options.people.unmark(entry.keys.remote);
    this.show(peerId);
  }

  forget(peerId: string): void {
    if (this.known.delete(peerId)) this.options.publish(peerId, null);
  }

  clear(): void {
    for (const peerId of [...this.known.keys()]) this.forget(peerId);
  }

  private show(peerId: string): void {
    const entry = this.known.get(peerId);
    if (!entry?.words) return;
    const status = this.options.people.status(entry.keys.remote, this.options.nameOf(peerId));
    this.options.publish(peerId, {
      words: entry.words,
      remoteFingerprint: entry.keys.remote,
      status,
    });
  }
}

function sameKeys(a: LinkKeys, b: LinkKeys): boolean {
  return a.local === b.local && a.remote === b.remote;
}

import * as v from 'valibot';

/**
 * Who this browser's person has verified by reading a safety code aloud, remembered in
 * localStorage as one record per remote certificate fingerprint, with the name the person had.
 *
 * A person is recognised across calls by their display name: names are not unique or
 * authenticated, so a name only decides when to warn. A certificate someone verified is trusted
 * whatever name it comes with. A certificate never verified that comes with the name of someone
 * verified before is a change, as Signal says "safety number changed": a new browser or device, a
 * renewed certificate, or someone in the middle.
 */

export type TrustStatus =
  /** Never verified, and nobody of this name was. */
  | { kind: 'unverified' }
  /** This certificate was verified; `name` is the name it had then. */
  | { kind: 'verified'; name: string }
  /** Someone of this name was verified with another certificate. */
  | { kind: 'changed'; name: string };

const recordSchema = v.object({
  fingerprint: v.pipe(v.string(), v.maxLength(200)),
  name: v.pipe(v.string(), v.maxLength(200)),
});
const recordsSchema = v.array(recordSchema);
type VerifiedRecord = v.InferOutput<typeof recordSchema>;

const STORAGE_KEY = 'meshcall.verifiedPeople';
/** Enough for anyone's contacts; the oldest go first past it. */
const MAX_RECORDS = 500;

/** Names compared as a person would: spacing, case and Unicode composition do not matter. */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

function nameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}

export function trustStatus(
  records: readonly VerifiedRecord[],
  fingerprint: string,
  name: string,
): TrustStatus {
  const verified = records.find((record) => record.fingerprint === fingerprint);
  if (verified) return { kind: 'verified', name: verified.name };
  const sameNamed = records.find((record) => sameName(record.name, name));
  if (sameNamed && nameKey(name) !== '') return { kind: 'changed', name: sameNamed.name };
  return { kind: 'unverified' };
}

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class VerifiedPeople {
  constructor(private readonly storage: KeyValueStorage | null) {}

  static inBrowser(): VerifiedPeople {
    try {
      return new VerifiedPeople(window.localStorage);
    } catch {
      // Storage blocked (some private modes): marks last as long as the page.
      return new VerifiedPeople(null);
    }
  }

  private memory: VerifiedRecord[] = [];

  status(fingerprint: string, name: string): TrustStatus {
    return trustStatus(this.read(), fingerprint, name);
  }

  /** Remembers `fingerprint` as verified for the person called `name`. */
  markVerified(fingerprint: string, name: string): void {
    const others = this.read().filter((record) => record.fingerprint !== fingerprint);
    this.write([...others, { fingerprint, name }].slice(-MAX_RECORDS));
  }

  /** Forgets that `fingerprint` was verified. */
  unmark(fingerprint: string): void {
    this.write(this.read().filter((record) => record.fingerprint !== fingerprint));
  }

  private read(): VerifiedRecord[] {
    if (!this.storage) return this.memory;
    try {
      const parsed = v.safeParse(
        recordsSchema,
        JSON.parse(this.storage.getItem(STORAGE_KEY) ?? '[]'),
      );
      return parsed.success ? parsed.output : [];
    } catch {
      return [];
    }
  }

  private write(records: VerifiedRecord[]): void {
    this.memory = records;
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(records));
    } catch {
      // Full or blocked: kept for this page only.
    }
  }
}

/**
 * The media streams a call page shows, by key, outside React state. Components read them with
 * `useSyncExternalStore`. A stream is replaced (not mutated) when its tracks change, so a
 * subscriber sees a new object whenever there is something new to render.
 */
export type MediaKey = 'local' | `camera:${string}` | `screen:${string}`;

export class MediaRegistry {
  private readonly streams = new Map<MediaKey, MediaStream>();
  private readonly listeners = new Set<() => void>();

  get(key: MediaKey): MediaStream | null {
    return this.streams.get(key) ?? null;
  }

  set(key: MediaKey, tracks: readonly MediaStreamTrack[] | null): void {
    if (!tracks || tracks.length === 0) {
      if (!this.streams.delete(key)) return;
    } else {
      this.streams.set(key, new MediaStream([...tracks]));
    }
    for (const listener of this.listeners) listener();
  }

  /** Adds a track to a key's stream, replacing any earlier track of the same kind. */
  addTrack(key: MediaKey, track: MediaStreamTrack): void {
    const others =
      this.get(key)
        ?.getTracks()
        .filter((existing) => existing.kind !== track.kind) ?? [];
    this.set(key, [...others, track]);
  }

  removeTrack(key: MediaKey, track: MediaStreamTrack): void {
    const current = this.get(key);
    if (!current?.getTracks().includes(track)) return;
    this.set(
      key,
      current.getTracks().filter((existing) => existing !== track),
    );
  }

  deletePeer(peerId: string): void {
    this.set(`camera:${peerId}`, null);
    this.set(`screen:${peerId}`, null);
  }

  clear(): void {
    this.streams.clear();
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

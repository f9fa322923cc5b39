'use client';

import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '@/components/ui/button';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { REACTIONS } from '@/lib/signaling/protocol-values';

/** Raise or lower this person's hand. */
export function RaiseHandButton() {
  const t = useTranslations('hands');
  const controller = useCallController();
  const raised = useCallStore(
    (state) =>
      state.selfPeerId !== null && (state.controls?.hands.includes(state.selfPeerId) ?? false),
  );
  return (
    <Button
      size="icon"
      variant={raised ? 'primary' : 'secondary'}
      aria-pressed={raised}
      aria-label={t('raise')}
      title={raised ? t('lowerTitle') : t('raiseTitle')}
      onClick={() => controller.raiseHand(!raised)}
    >
      <span aria-hidden="true">✋</span>
    </Button>
  );
}

/** A small fixed set of reactions; each floats over the sender's tile for everyone. */
export function ReactionsButton() {
  const t = useTranslations('hands');
  const controller = useCallController();
  const id = useId();
  return (
    <>
      <Button
        size="icon"
        variant="secondary"
        popoverTarget={id}
        aria-label={t('reactions')}
        title={t('reactionsTitle')}
      >
        <span aria-hidden="true">🙂</span>
      </Button>
      <div
        id={id}
        popover="auto"
        aria-label={t('reactions')}
        className="m-auto mb-24 rounded-2xl bg-surface-raised p-2 shadow-2xl ring-1 ring-surface-border"
      >
        {/* No display class on the popover itself: it would show the popover while closed. */}
        <div className="flex gap-1">
          {REACTIONS.map((reaction) => (
            <button
              key={reaction}
              type="button"
              aria-label={t('react', { reaction })}
              className="rounded-xl p-2 text-2xl hover:bg-surface-overlay"
              onClick={() => controller.react(reaction)}
            >
              {reaction}
            </button>
          ))}
        </div>
      </div>
    </>
  );
}

/** On a tile's badge row: the raised hand. */
export function HandMark({ peerId }: { peerId: string | undefined }) {
  const hand = useCallStore((state) => {
    const id = peerId ?? state.selfPeerId;
    return id === null ? 0 : (state.controls?.hands.indexOf(id) ?? -1) + 1;
  });
  const t = useTranslations('hands');
  if (hand === 0) return null;
  return (
    <span
      role="img"
      aria-label={t('raised')}
      data-testid="tile-hand"
      className="rounded-lg bg-black/55 px-2 py-1 text-lg"
    >
      ✋
    </span>
  );
}

/** Over a tile: reactions floating up for a moment. */
export function TileReactions({ peerId }: { peerId: string | undefined }) {
  const reactions = useCallStore(
    useShallow((state) =>
      state.reactions.filter((shown) => (shown.peerId ?? undefined) === peerId),
    ),
  );
  return reactions.map((shown) => (
    <span
      key={shown.id}
      data-testid="tile-reaction"
      className="pointer-events-none absolute bottom-12 left-1/2 -translate-x-1/2 text-4xl motion-safe:animate-bounce"
    >
      {shown.reaction}
    </span>
  ));
}

/** Raised hands in the order they went up, for the People panel. */
export function RaisedHands() {
  const t = useTranslations('hands');
  // Null for this person's own hand, '' for someone whose name is not known.
  const names = useCallStore(
    useShallow((state) =>
      (state.controls?.hands ?? []).map((id) =>
        id === state.selfPeerId ? null : (state.participants.get(id)?.name ?? ''),
      ),
    ),
  );
  if (names.length === 0) return null;
  return (
    <section aria-label={t('raisedHands')} className="border-b border-surface-border p-2 text-sm">
      <h3 className="px-2 font-medium">{t('raisedHands')}</h3>
      <ol className="list-decimal pl-8">
        {names.map((name, index) => (
          <li key={index}>{name === null ? t('you') : name || t('someone')}</li>
        ))}
      </ol>
    </section>
  );
}

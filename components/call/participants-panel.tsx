'use client';

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CameraOffIcon, MicOffIcon } from '@/components/ui/icons';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { initialsOf } from '@/lib/utils';
import { CallModeNotice } from './call-mode';
import { RaisedHands } from './hands-and-reactions';
import { PersonHostActions, PersonMarks } from './host-controls';
import { MediaServerNotice, SafetyCode } from './safety-code';
import { YouBadge } from './you-badge';

/** Everyone in the call, with what they are sending. */
export function ParticipantsPanel() {
  const t = useTranslations('tile');
  const self = useCallStore(
    useShallow((state) => ({
      name: state.displayName,
      audio: state.microphoneOn && state.microphoneAccess === 'granted',
      video: state.cameraOn && state.cameraAccess === 'granted',
    })),
  );
  const participants = useCallStore(useShallow((state) => [...state.participants.values()]));

  return (
    <div className="flex flex-1 flex-col overflow-y-auto p-2">
      <RaisedHands />
      <CallModeNotice />
      <MediaServerNotice />
      <ul aria-label={t('peopleInCall')} className="space-y-1">
        <Row self name={self.name} audio={self.audio} video={self.video} status={null} />
        {participants.map((participant) => (
          <Row
            key={participant.peerId}
            peerId={participant.peerId}
            name={participant.name}
            audio={participant.media.audio}
            video={participant.media.video}
            status={participant.link === 'connected' ? null : t(`link.${participant.link}`)}
          >
            <SafetyCode peerId={participant.peerId} name={participant.name} />
          </Row>
        ))}
      </ul>
    </div>
  );
}

function Row({
  peerId = null,
  name,
  self = false,
  audio,
  video,
  status,
  children,
}: {
  /** Null for the person's own row. */
  peerId?: string | null;
  name: string;
  /** The person's own row: marked with a badge, never with text added to the name. */
  self?: boolean;
  audio: boolean;
  video: boolean;
  status: string | null;
  /** Shown under the row: a remote person's safety code. */
  children?: ReactNode;
}) {
  const t = useTranslations('tile');
  return (
    <li
      data-self={self ? 'true' : undefined}
      className="rounded-lg px-2 py-2 hover:bg-surface-overlay"
    >
      <div className="flex items-center gap-3">
        <span
          aria-hidden="true"
          data-testid="initials"
          className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent-ink"
        >
          {initialsOf(name || t('you'))}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex min-w-0 items-center gap-1.5">
            {name && <span className="truncate text-sm">{name}</span>}
            {self && <YouBadge />}
            <PersonMarks peerId={peerId} />
          </span>
          {status && <span className="block text-xs text-ink-faint">{status}</span>}
        </span>
        {peerId !== null && <PersonHostActions peerId={peerId} name={name} />}
        {!audio && (
          <span role="img" aria-label={t('microphoneOff')} className="text-danger">
            <MicOffIcon width={16} height={16} />
          </span>
        )}
        {!video && (
          <span role="img" aria-label={t('cameraOff')} className="text-ink-faint">
            <CameraOffIcon width={16} height={16} />
          </span>
        )}
      </div>
      {children}
    </li>
  );
}

'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { ChatIcon, LeaveIcon, PaperclipIcon, ScreenShareIcon } from '@/components/ui/icons';
import { supportsScreenShare } from '@/lib/media/local-media';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useMediaStream } from '@/lib/hooks/use-media-stream';
import { RaiseHandButton, ReactionsButton } from './hands-and-reactions';
import { MediaToggles } from './media-toggles';
import { openSendFileDialog } from './send-file-dialog';
import { RecordButton } from './recording-controls';

export function CallControls() {
  const t = useTranslations('controls');
  const controller = useCallController();
  const screenSharing = useMediaStream('screen:local') !== null;
  const chatOpen = useCallStore((state) => state.openPanel === 'chat');
  const unread = useCallStore((state) => state.unreadChat);
  const togglePanel = useCallStore((state) => state.actions.togglePanel);

  return (
    <nav
      aria-label={t('label')}
      className="flex items-center justify-center gap-2 p-3 sm:gap-3 sm:p-4"
    >
      <MediaToggles withShortcuts />
      {supportsScreenShare() && (
        <Button
          size="icon"
          variant={screenSharing ? 'primary' : 'secondary'}
          aria-pressed={screenSharing}
          aria-label={t('shareScreen')}
          title={screenSharing ? t('stopSharingTitle') : t('shareScreenTitle')}
          onClick={() => void controller.toggleScreenShare()}
        >
          <ScreenShareIcon />
        </Button>
      )}
      <RaiseHandButton />
      <ReactionsButton />
      <Button
        size="icon"
        variant={chatOpen ? 'primary' : 'secondary'}
        aria-pressed={chatOpen}
        aria-label={t('chat')}
        title={t('chatTitle')}
        data-panel-toggle="chat"
        onClick={() => togglePanel('chat')}
        className="relative"
      >
        <ChatIcon />
        {unread > 0 && (
          <span
            data-testid="unread-badge"
            aria-label={t('unread', { count: unread })}
            className="absolute -top-1 -right-1 flex min-w-5 items-center justify-center rounded-full bg-danger-strong px-1 text-xs font-semibold text-white"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </Button>
      <Button
        size="icon"
        variant="secondary"
        aria-label={t('sendFile')}
        title={t('sendFile')}
        onClick={() => openSendFileDialog()}
      >
        <PaperclipIcon />
      </Button>
      <RecordButton />
      <Button
        variant="danger"
        className="h-12 rounded-full px-5"
        onClick={() => controller.leave()}
        title={t('leaveTitle')}
      >
        <LeaveIcon />
        <span>{t('leave')}</span>
      </Button>
    </nav>
  );
}

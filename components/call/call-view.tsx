'use client';

import { useTranslations } from 'next-intl';
import { useCallback, useId } from 'react';
import { Button } from '@/components/ui/button';
import { Popover } from '@/components/ui/popover';
import { KeyboardIcon, SettingsIcon, UsersIcon } from '@/components/ui/icons';
import type { ShortcutAction } from '@/lib/call/shortcuts';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useKeyboardShortcuts } from '@/lib/hooks/use-keyboard-shortcuts';
import { usePushToTalk } from '@/lib/hooks/use-push-to-talk';
import { useShallow } from 'zustand/react/shallow';
import { LanguageSwitcher } from '@/components/i18n/language-switcher';
import { CallAnnouncer } from './call-announcer';
import { CallControls } from './call-controls';
import { CallModeBadge } from './call-mode';
import { CallStage } from './call-stage';
import { CHAT_INPUT_SELECTOR } from './chat-panel';
import { CopyLinkButton } from './copy-link-button';
import { showDeviceHelp, usable } from './device-access';
import { DeviceSettings } from './device-settings';
import { HostMenu, HostName, KnockRequests } from './host-controls';
import { LeaveDialog, openLeaveDialog } from './leave-dialog';
import { LinkStatsDialog } from './link-stats-dialog';
import { FileTransfersList } from './file-transfers-list';
import { openSendFileDialog, SendFileDialog } from './send-file-dialog';
import { SavedRecordingNotice } from './recording-controls';
import { NoticeToasts } from './notice-toasts';
import { RemoteAudio } from './remote-audio';
import { ShortcutsHelp } from './shortcuts-help';
import { SidePanel, useClosePanel } from './side-panel';
import { SignalingNotice } from './signaling-notice';

/** The call itself: everyone's tiles, the controls, side panels, and everyone's sound. */
export function CallView() {
  const t = useTranslations('call');
  const controller = useCallController();
  const roomId = useCallStore((state) => state.roomId);
  const peerIds = useCallStore(useShallow((state) => [...state.participants.keys()]));
  const openPanel = useCallStore((state) => state.openPanel);
  const microphoneUsable = useCallStore((state) => usable(state.microphoneAccess));
  const cameraUsable = useCallStore((state) => usable(state.cameraAccess));
  const togglePanel = useCallStore((state) => state.actions.togglePanel);
  const setOpenPanel = useCallStore((state) => state.actions.setOpenPanel);
  const closePanel = useClosePanel();
  const settingsId = useId();
  const shortcutsId = useId();

  usePushToTalk(
    useCallback(() => controller.microphoneOn, [controller]),
    useCallback((on: boolean) => controller.setMicrophone(on), [controller]),
  );

  useKeyboardShortcuts((action: ShortcutAction) => {
    switch (action) {
      case 'toggle-microphone':
        return microphoneUsable ? controller.toggleMicrophone() : showDeviceHelp();
      case 'toggle-camera':
        return cameraUsable ? void controller.toggleCamera() : showDeviceHelp();
      case 'toggle-screen-share':
        return void controller.toggleScreenShare();
      case 'open-chat':
        // The message box takes the focus as it opens; if the chat is open already, go back to it.
        if (openPanel === 'chat')
          return document.querySelector<HTMLElement>(CHAT_INPUT_SELECTOR)?.focus();
        return setOpenPanel('chat');
      case 'toggle-participants':
        return togglePanel('participants');
      case 'close-panel':
        return closePanel();
      case 'leave':
        return openLeaveDialog();
      case 'show-shortcuts':
        return document.getElementById(shortcutsId)?.togglePopover();
      case 'push-to-talk':
        // Held, not pressed: usePushToTalk has it.
        return;
    }
  });

  return (
    <div
      className="flex h-dvh flex-col"
      onDragOver={(event) => {
        // Dropping a file anywhere on the call opens the send dialog with it.
        if (event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        if (event.dataTransfer.files.length === 0) return;
        event.preventDefault();
        openSendFileDialog(event.dataTransfer.files);
      }}
    >
      <header className="flex items-center justify-between gap-2 px-3 pt-3 sm:px-4">
        <span
          data-testid="call-code"
          title={t('callCode')}
          className="font-mono text-sm whitespace-nowrap text-ink-muted"
        >
          {roomId}
        </span>
        <CallModeBadge />
        <HostName />
        <div className="flex items-center gap-1 sm:gap-2">
          <HostMenu />
          <Button
            variant={openPanel === 'participants' ? 'secondary' : 'ghost'}
            size="sm"
            aria-pressed={openPanel === 'participants'}
            aria-label={t('peopleCount', { count: peerIds.length + 1 })}
            title={t('peopleShortcut')}
            data-panel-toggle="participants"
            onClick={() => togglePanel('participants')}
          >
            <UsersIcon width={16} height={16} />
            {peerIds.length + 1}
          </Button>
          {peerIds.length > 0 && <CopyLinkButton size="sm" compact />}
          <Button
            variant="ghost"
            size="sm"
            popoverTarget={settingsId}
            aria-label={t('settings')}
            title={t('settings')}
          >
            <SettingsIcon width={16} height={16} />
          </Button>
          <Button
            variant="ghost"
            size="sm"
            popoverTarget={shortcutsId}
            aria-label={t('shortcuts')}
            title={t('shortcutsShortcut')}
            className="max-sm:hidden"
          >
            <KeyboardIcon width={16} height={16} />
          </Button>
        </div>
      </header>
      <SignalingNotice className="mx-3 mt-3 sm:mx-4" />
      <div className="flex min-h-0 flex-1 gap-3 p-3 sm:px-4">
        <main className="min-h-0 min-w-0 flex-1">
          <CallStage />
        </main>
        <SidePanel />
      </div>
      <CallControls />
      <NoticeToasts />
      <CallAnnouncer />
      <KnockRequests />
      {peerIds.map((peerId) => (
        <RemoteAudio key={peerId} peerId={peerId} />
      ))}
      <Popover
        id={settingsId}
        aria-label={t('settings')}
        className="m-auto w-[28rem] max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-4 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/50"
      >
        <h2 className="mb-3 font-semibold">{t('settings')}</h2>
        <DeviceSettings withDisplayOptions />
        <LanguageSwitcher className="mt-3 border-t border-surface-border pt-3" />
      </Popover>
      <ShortcutsHelp id={shortcutsId} />
      <LeaveDialog />
      <LinkStatsDialog />
      <SendFileDialog />
      <FileTransfersList />
      <SavedRecordingNotice />
    </div>
  );
}

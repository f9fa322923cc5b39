'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { DeviceAccess } from '@/lib/call/call-store';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/** The popover that says why a camera or microphone cannot be used, and how to fix it. */
export const DEVICE_HELP_ID = 'device-access-help';

export type DeviceKind = 'microphone' | 'camera';

export const usable = (access: DeviceAccess) => access === 'granted' || access === 'pending';

/** Why a device cannot be used, as a tooltip or picker says it (null if it can), and the remedy. */
export function useDeviceAccessText() {
  const t = useTranslations('devices');
  return {
    unavailableReason(kind: DeviceKind, access: DeviceAccess): string | null {
      switch (access) {
        case 'denied':
        case 'missing':
        case 'failed':
          return t(`${access}.${kind}`);
        case 'granted':
        case 'pending':
          return null;
      }
    },
    /** What to do about it, in steps a person can follow. */
    remedy(kind: DeviceKind, access: DeviceAccess): string {
      switch (access) {
        case 'denied':
          return t(`remedy.denied.${kind}`);
        case 'missing':
          return t('remedy.missing');
        default:
          return t('remedy.failed');
      }
    },
  };
}

/** Opens the help popover; called by the blocked buttons and by the M and V shortcuts. */
export function showDeviceHelp(): void {
  try {
    document.getElementById(DEVICE_HELP_ID)?.showPopover();
  } catch {
    // Already open, or a browser without popovers: the tooltip and the lobby's notice remain.
  }
}

/** Asks the browser again for the blocked or missing devices, and says if they still are. */
export function AskAgainButton({ className }: { className?: string }) {
  const t = useTranslations('devices');
  const controller = useCallControllerIfLoaded();
  const [asking, setAsking] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={asking}
      className={className}
      onClick={async () => {
        setAsking(true);
        try {
          await controller?.askDeviceAccessAgain();
        } finally {
          setAsking(false);
        }
      }}
    >
      {asking ? t('asking') : t('askAgain')}
    </Button>
  );
}

/**
 * Why the camera or microphone cannot be used, how to allow it in the browser, and a button to
 * ask again once the person has. It closes by itself when both work.
 */
export function DeviceAccessHelp() {
  const t = useTranslations('devices');
  const { unavailableReason, remedy } = useDeviceAccessText();
  const microphone = useCallStore((state) => state.microphoneAccess);
  const camera = useCallStore((state) => state.cameraAccess);
  const problems = (
    [
      ['camera', camera],
      ['microphone', microphone],
    ] as const
  ).filter(([, access]) => !usable(access));

  useEffect(() => {
    if (problems.length > 0) return;
    try {
      document.getElementById(DEVICE_HELP_ID)?.hidePopover();
    } catch {
      // Not open.
    }
  }, [problems.length]);

  return (
    <div
      id={DEVICE_HELP_ID}
      popover="auto"
      role="dialog"
      aria-labelledby={`${DEVICE_HELP_ID}-title`}
      className="m-auto w-96 max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-4 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/50"
    >
      <h2 id={`${DEVICE_HELP_ID}-title`} className="mb-2 font-semibold">
        {problems.length === 0 ? t('helpTitleFine') : t('helpTitle')}
      </h2>
      <ul className="space-y-3 text-sm">
        {problems.map(([kind, access]) => (
          <li key={kind}>
            <p className="font-medium">{unavailableReason(kind, access)}.</p>
            <p className="text-ink-muted">{remedy(kind, access)}</p>
          </li>
        ))}
      </ul>
      <div className="mt-4 flex justify-end gap-2">
        <Button
          variant="ghost"
          size="sm"
          onClick={() => document.getElementById(DEVICE_HELP_ID)?.hidePopover()}
        >
          {t('close')}
        </Button>
        <AskAgainButton />
      </div>
    </div>
  );
}

/** How long a request may take before we assume the browser is asking, where it cannot say. */
const PROMPT_GUESS_DELAY_MS = 1_500;

/**
 * Whether the browser is (very likely) showing its camera and microphone prompt while `pending`:
 * the Permissions API says "prompt" for a device being asked for, or, where it cannot say, the
 * request has been waiting longer than a device takes to start.
 */
function useBrowserAsking(pending: boolean, wantCamera: boolean): boolean {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!pending) return;
    let cancelled = false;
    const timer = setTimeout(() => !cancelled && setAsking(true), PROMPT_GUESS_DELAY_MS);
    const names: PermissionName[] = wantCamera
      ? ['microphone' as PermissionName, 'camera' as PermissionName]
      : ['microphone' as PermissionName];
    Promise.all(names.map((name) => navigator.permissions.query({ name })))
      .then((states) => {
        if (cancelled) return;
        // The browser says for sure: no guessing from the clock.
        clearTimeout(timer);
        setAsking(states.some((status) => status.state === 'prompt'));
      })
      .catch(() => {
        // No Permissions API, or it does not know these names (older Firefox): the clock decides.
      });
    return () => {
      cancelled = true;
      clearTimeout(timer);
      setAsking(false);
    };
  }, [pending, wantCamera]);
  return pending && asking;
}

/**
 * In the lobby, while camera and microphone are being started: what is happening, and, while the
 * browser's own prompt is open, what to do with it (a prompt is easy to miss or to take for an
 * error).
 */
export function DeviceStartingNotice({
  pending,
  wantCamera,
}: {
  pending: boolean;
  wantCamera: boolean;
}) {
  const t = useTranslations('lobby');
  const asking = useBrowserAsking(pending, wantCamera);
  const devices = wantCamera ? 'both' : 'microphone';
  return (
    <div role="status" aria-live="polite" className="text-sm">
      {pending &&
        (asking ? (
          <p
            data-testid="permission-prompt-help"
            className="rounded-xl bg-accent-soft px-4 py-3 text-accent-ink"
          >
            {t('browserAsking', { devices })}
          </p>
        ) : (
          <p className="text-ink-faint">{t('startingDevices', { devices })}</p>
        ))}
    </div>
  );
}

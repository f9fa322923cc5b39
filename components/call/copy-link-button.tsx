'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Button, type ButtonProps } from '@/components/ui/button';
import { CheckIcon, LinkIcon } from '@/components/ui/icons';

/** Copies the call's address so it can be sent to others. */
export function CopyLinkButton({
  compact = false,
  ...props
}: Omit<ButtonProps, 'onClick' | 'children'> & {
  /** Only the icon on a phone, where the header has no room for the words. */
  compact?: boolean;
}) {
  const t = useTranslations('copyLink');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    const url = window.location.href.split('#')[0] ?? window.location.href;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Clipboard blocked (e.g. an insecure origin): let the person copy it by hand.
      window.prompt(t('prompt'), url);
    }
  }

  return (
    <Button variant="secondary" onClick={copy} {...props}>
      {copied ? <CheckIcon /> : <LinkIcon />}
      <span aria-live="polite" className={compact ? 'max-sm:sr-only' : undefined}>
        {copied ? t('copied') : t('copy')}
      </span>
    </Button>
  );
}

'use client';

import { NextIntlClientProvider, type Locale, type Messages } from 'next-intl';
import type { ReactNode } from 'react';
import { missingMessageText, reportIntlError } from '@/lib/i18n/intl-errors';

/**
 * Hands the request's language and its messages (only that language's, loaded on the server) to
 * client components, with the same loud handling of missing messages as on the server: functions
 * cannot cross from a server component, so this wrapper is a client one.
 */
export function IntlProvider({
  locale,
  messages,
  children,
}: {
  locale: Locale;
  messages: Messages;
  children: ReactNode;
}) {
  return (
    <NextIntlClientProvider
      locale={locale}
      messages={messages}
      onError={reportIntlError}
      getMessageFallback={missingMessageText}
    >
      {children}
    </NextIntlClientProvider>
  );
}

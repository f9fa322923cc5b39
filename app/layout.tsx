import type { Metadata, Viewport } from 'next';
import { getLocale, getMessages, getTranslations } from 'next-intl/server';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { IntlProvider } from '@/components/i18n/intl-provider';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('meta');
  return {
    title: { default: t('title'), template: '%s · Meshcall' },
    description: t('description'),
    referrer: 'no-referrer',
  };
}

export const viewport: Viewport = {
  themeColor: '#0f1115',
  width: 'device-width',
  initialScale: 1,
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request: each response carries a fresh CSP nonce (see proxy.ts), which a page
  // built ahead of time could not have, and is in the language this request asks for.
  await connection();
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        <IntlProvider locale={locale} messages={await getMessages()}>
          {children}
        </IntlProvider>
      </body>
    </html>
  );
}

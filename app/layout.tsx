import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Meshcall: video calls in your browser', template: '%s · Meshcall' },
  description: 'Start a video call, send the link, talk. Nothing to install.',
  referrer: 'no-referrer',
};

export const viewport: Viewport = {
  themeColor: '#0f1115',
  width: 'device-width',
  initialScale: 1,
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request: each response carries a fresh CSP nonce (see proxy.ts), which a page
  // built ahead of time could not have.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

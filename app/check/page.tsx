import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ConnectionCheckView } from '@/components/check/connection-check-view';
import { signalingPortForPages } from '@/lib/server/process-state';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('meta'))('check') };
}

export default function CheckPage() {
  return <ConnectionCheckView signalingPort={signalingPortForPages()} />;
}

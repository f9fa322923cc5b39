import type { Metadata } from 'next';
import { ConnectionCheckView } from '@/components/check/connection-check-view';
import { signalingPortForPages } from '@/lib/server/process-state';

export const metadata: Metadata = { title: 'Check your connection' };

export default function CheckPage() {
  return <ConnectionCheckView signalingPort={signalingPortForPages()} />;
}

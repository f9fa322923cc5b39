import type { Metadata } from 'next';
import { ConnectionCheckView } from '@/components/check/connection-check-view';

export const metadata: Metadata = { title: 'Check your connection' };

export default function CheckPage() {
  return <ConnectionCheckView />;
}

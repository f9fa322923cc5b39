import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { notFound, redirect } from 'next/navigation';
import { CallRoomLoader } from '@/components/call/call-room-loader';
import { isRoomId, parseRoomInput } from '@/lib/room-id';
import { publicRelaySettings } from '@/lib/server/config';
import { processConfig, signalingPortForPages } from '@/lib/server/process-state';

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: (await getTranslations('meta'))('call'),
    // Call links are private: keep them out of search engines and referrers.
    robots: { index: false, follow: false },
  };
}

export default async function CallPage({ params }: PageProps<'/call/[roomId]'>) {
  const { roomId } = await params;
  if (!isRoomId(roomId)) {
    // A code typed with capitals, spaces or look-alike letters still finds its call.
    const canonical = parseRoomInput(decodeURIComponent(roomId));
    if (canonical) redirect(`/call/${canonical}`);
    notFound();
  }
  return (
    <CallRoomLoader
      roomId={roomId}
      relay={publicRelaySettings(processConfig())}
      signalingPort={signalingPortForPages()}
    />
  );
}

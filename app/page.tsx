import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { StartOrJoin } from '@/components/home/start-or-join';
import { LanguageSwitcher } from '@/components/i18n/language-switcher';
import { processConfig } from '@/lib/server/process-state';

export default async function HomePage() {
  const t = await getTranslations('home');
  // Where video and sound go, as this server is set up: with a media server (Janus), a call that
  // grows past `MESH_MAX` people passes through it, and the privacy note must not say otherwise.
  const { janusUrl, meshMax } = processConfig();
  const points = [
    { key: 'install', title: t('points.install.title'), text: t('points.install.text') },
    janusUrl
      ? {
          key: 'peerToPeerSmall',
          title: t('points.peerToPeerSmall.title'),
          text: t('points.peerToPeerSmall.text', { meshMax }),
        }
      : {
          key: 'peerToPeer',
          title: t('points.peerToPeer.title'),
          text: t('points.peerToPeer.text'),
        },
    { key: 'private', title: t('points.private.title'), text: t('points.private.text') },
  ];
  return (
    <main className="mx-auto flex min-h-dvh max-w-5xl flex-col items-center justify-center gap-12 px-4 py-12">
      <div className="flex flex-col items-center gap-4 text-center">
        <p className="text-sm font-semibold tracking-wide text-accent uppercase">Meshcall</p>
        <h1 className="max-w-2xl text-4xl font-semibold tracking-tight text-balance sm:text-5xl">
          {t('title')}
        </h1>
        <p className="max-w-xl text-lg text-balance text-ink-muted">{t('lead')}</p>
      </div>
      <StartOrJoin />
      <ul className="grid w-full max-w-3xl gap-4 sm:grid-cols-3">
        {points.map(({ key, title, text }) => (
          <li key={key} className="rounded-2xl bg-surface-raised p-5 ring-1 ring-surface-border">
            <h2 className="font-medium">{title}</h2>
            <p className="mt-1 text-sm text-ink-muted">{text}</p>
          </li>
        ))}
      </ul>
      <footer className="flex flex-col items-center gap-4">
        <Link
          href="/check"
          className="text-sm text-ink-muted underline underline-offset-2 hover:text-ink"
        >
          {t('checkLink')}
        </Link>
        <LanguageSwitcher />
      </footer>
    </main>
  );
}

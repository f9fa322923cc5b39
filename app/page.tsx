import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { StartOrJoin } from '@/components/home/start-or-join';
import { LanguageSwitcher } from '@/components/i18n/language-switcher';

const POINTS = ['install', 'peerToPeer', 'private'] as const;

export default async function HomePage() {
  const t = await getTranslations('home');
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
        {POINTS.map((point) => (
          <li key={point} className="rounded-2xl bg-surface-raised p-5 ring-1 ring-surface-border">
            <h2 className="font-medium">{t(`points.${point}.title`)}</h2>
            <p className="mt-1 text-sm text-ink-muted">{t(`points.${point}.text`)}</p>
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

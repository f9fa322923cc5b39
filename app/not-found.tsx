import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('notFound');
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="text-ink-muted">
        {t.rich('text', {
          code: (chunks) => <span className="font-mono whitespace-nowrap text-ink">{chunks}</span>,
        })}
      </p>
      <div className="flex flex-wrap justify-center gap-3">
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link here would put 3 kB more in every page's first load: this page's client code loads with all of them */}
        <a
          href="/"
          className="inline-flex h-12 items-center rounded-xl bg-accent-strong px-6 font-medium text-white hover:bg-accent-deep"
        >
          {t('home')}
        </a>
      </div>
      <p className="text-sm text-ink-faint">{t('hint')}</p>
    </main>
  );
}

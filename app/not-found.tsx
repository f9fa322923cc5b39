export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">There is nothing at this address</h1>
      <p className="text-ink-muted">
        It may have a typo in it. If someone sent you a call link, copy it again from their message:
        call links end in a code like{' '}
        <span className="font-mono whitespace-nowrap text-ink">7k3mq-x9tbd-4rw8h</span>.
      </p>
      <div className="flex flex-wrap justify-center gap-3">
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link here would put 3 kB more in every page's first load: this page's client code loads with all of them */}
        <a
          href="/"
          className="inline-flex h-12 items-center rounded-xl bg-accent-strong px-6 font-medium text-white hover:bg-accent-deep"
        >
          Go to the home page
        </a>
      </div>
      <p className="text-sm text-ink-faint">
        From there you can start a call, or paste a call link or code.
      </p>
    </main>
  );
}

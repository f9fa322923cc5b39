export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">That link does not lead to a call</h1>
      <p className="text-ink-muted">
        Call links look like <span className="font-mono text-ink">/call/7k3mq-x9tbd-4rw8h</span>.
        Check the link you were sent, or start a new call.
      </p>
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link here would put 3 kB more in every page's first load: this page's client code loads with all of them */}
      <a
        href="/"
        className="inline-flex h-12 items-center rounded-xl bg-accent px-6 font-medium text-white hover:bg-accent-strong"
      >
        Start a call
      </a>
    </main>
  );
}

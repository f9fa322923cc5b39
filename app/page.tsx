import Link from 'next/link';
import { StartOrJoin } from '@/components/home/start-or-join';
import { processConfig } from '@/lib/server/process-state';

/**
 * Where video and sound go, as this server is set up: with a media server (Janus), a call that
 * grows past `MESH_MAX` people passes through it, and the privacy note must not say otherwise.
 */
function mediaPoint(): readonly [string, string] {
  const { janusUrl, meshMax } = processConfig();
  if (!janusUrl) {
    return [
      'Peer to peer',
      'Video and sound go straight between browsers, not through our server.',
    ];
  }
  return [
    'Peer to peer for small calls',
    `In calls of up to ${meshMax} people, video and sound go straight between browsers. Bigger calls pass through this service’s media server, and the call says so.`,
  ];
}

export default function HomePage() {
  const points = [
    ['Nothing to install', 'Open the link in a browser and you are in.'],
    mediaPoint(),
    ['Private links', 'Every call gets an unguessable code. Only people you send it to can join.'],
  ] as const;

  return (
    <main className="mx-auto flex min-h-dvh max-w-5xl flex-col items-center justify-center gap-12 px-4 py-12">
      <div className="flex flex-col items-center gap-4 text-center">
        <p className="text-sm font-semibold tracking-wide text-accent uppercase">Meshcall</p>
        <h1 className="max-w-2xl text-4xl font-semibold tracking-tight text-balance sm:text-5xl">
          Video calls, straight from your browser
        </h1>
        <p className="max-w-xl text-lg text-balance text-ink-muted">
          Start a call, send the link, and talk. Up to six people, face to face.
        </p>
      </div>
      <StartOrJoin />
      <ul className="grid w-full max-w-3xl gap-4 sm:grid-cols-3">
        {points.map(([title, text]) => (
          <li key={title} className="rounded-2xl bg-surface-raised p-5 ring-1 ring-surface-border">
            <h2 className="font-medium">{title}</h2>
            <p className="mt-1 text-sm text-ink-muted">{text}</p>
          </li>
        ))}
      </ul>
      <Link
        href="/check"
        className="text-sm text-ink-muted underline underline-offset-2 hover:text-ink"
      >
        Trouble connecting? Check your camera, microphone and network
      </Link>
    </main>
  );
}

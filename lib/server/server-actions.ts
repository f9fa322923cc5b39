import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The ids of the app's server actions, from the production build's manifest. A request with a
 * `Next-Action` header naming anything else makes Next print a stack trace; the HTTP server
 * answers those itself. An unreadable manifest gives undefined: every request then goes to Next.
 */
export function readServerActionIds(distDir: string): ReadonlySet<string> | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(
      readFileSync(join(distDir, 'server', 'server-reference-manifest.json'), 'utf8'),
    );
  } catch {
    return undefined;
  }
  const ids = new Set<string>();
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  for (const runtime of ['node', 'edge'] as const) {
    const actions = (manifest as Record<string, unknown>)[runtime];
    if (typeof actions === 'object' && actions !== null) {
      for (const id of Object.keys(actions)) ids.add(id);
    }
  }
  return ids;
}

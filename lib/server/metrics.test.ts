import { afterEach, describe, expect, it } from 'vitest';
import { codeSpans, markdownTable, readRepoFile } from '../../tests/support/markdown-table';
import { startTestServer, type TestServer } from '../../tests/support/test-server';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function scrape(headers: Record<string, string> = {}) {
  return fetch(`${server?.httpUrl}/metrics`, { headers });
}

/** Each metric family in Prometheus text: name -> type, and its samples' `reason` labels. */
function families(text: string) {
  const types = new Map<string, string>();
  for (const [, name = '', type = ''] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    types.set(name, type);
  }
  const reasons = new Map<string, string[]>();
  for (const [, name = '', reason = ''] of text.matchAll(/^(\w+)\{reason="([^"]+)"\}/gm)) {
    reasons.set(name, [...(reasons.get(name) ?? []), reason]);
  }
  return { types, reasons };
}

describe('/metrics', () => {
  it('adds the Node metrics operators expect: event-loop lag, GC, heap, handles', async () => {
    server = await startTestServer();
    const { types } = families(await (await scrape()).text());
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_active_handles',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(types.has(name), name).toBe(true);
    }
  });

  it('with METRICS_TOKEN, answers only a request that carries it', async () => {
    server = await startTestServer({ METRICS_TOKEN: 's3cret-token' });
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer s3cret-token-and-more' })).status).toBe(401);
    const allowed = await scrape({ authorization: 'Bearer s3cret-token' });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('meshcall_rooms 0');
  });

  it('docs/operations.md lists every metric, its type and its reasons, and no other', async () => {
    server = await startTestServer();
    const { types, reasons } = families(await (await scrape()).text());
    const rows = markdownTable(readRepoFile('docs/operations.md'), 'Metric');
    const documented = new Map<string, { type: string; meaning: string }>();
    const patterns: RegExp[] = [];
    for (const [names = '', type = '', meaning = ''] of rows) {
      for (const name of codeSpans(names).map((span) => span.replace(/\{.*\}$/, ''))) {
        if (name.endsWith('*')) patterns.push(new RegExp(`^${name.slice(0, -1)}`));
        else documented.set(name, { type, meaning });
      }
    }
    for (const [name, type] of types) {
      if (patterns.some((pattern) => pattern.test(name))) continue;
      expect(documented.get(name)?.type, `add a row for ${name} to docs/operations.md`).toBe(type);
      for (const reason of reasons.get(name) ?? []) {
        expect(documented.get(name)?.meaning, `${name} reason`).toContain(`\`${reason}\``);
      }
    }
    for (const name of documented.keys()) {
      expect(types.has(name), `docs/operations.md lists ${name}, which is not served`).toBe(true);
    }
    // The examples given for Node's own metrics are real names too.
    const nodeRow = rows.find(([names]) => names?.includes('nodejs_*'));
    for (const name of codeSpans(nodeRow?.[2] ?? '')) expect(types.has(name), name).toBe(true);
  });
});

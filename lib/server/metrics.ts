import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ERROR_CODES } from '../signaling/protocol';
import {
  FRAME_REJECTIONS,
  SERVER_CLOSES,
  UPGRADE_REFUSALS,
  type SignalingEndpoint,
} from './signaling-endpoint';

/** What `/metrics` serves: Prometheus' text format, rendered on each scrape. */
export interface Metrics {
  readonly contentType: string;
  render(): Promise<string>;
}

type Read<T> = () => T | Promise<T>;

/**
 * Every metric `/metrics` reports: the hub's rooms and traffic, the endpoint's refusals, and
 * Node's own (event-loop lag, GC, heap, handles, CPU, memory). The signaling figures are read
 * from the hub and the endpoint when Prometheus scrapes. To add one, add a line below and a row to
 * `docs/operations.md`; `metrics.test.ts` checks that the two agree.
 */
export function createSignalingMetrics(endpoint: SignalingEndpoint): Metrics {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: Read<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });
  // The counts live in the hub and the endpoint; each scrape copies their running totals.
  const counter = (name: string, help: string, read: Read<number>) =>
    new Counter({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset();
        this.inc(await read());
      },
    });
  const counterBy = (
    name: string,
    help: string,
    label: string,
    read: Read<Record<string, number>>,
  ) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [value, count] of Object.entries(await read()))
          this.inc({ [label]: value }, count);
      },
    });

  const hub = endpoint.hub;
  const counters = endpoint.counters;
  gauge('meshcall_rooms', 'Rooms with at least one peer.', () => hub.counts().rooms);
  gauge(
    'meshcall_peers',
    'Peers in rooms, including those awaiting resume.',
    () => hub.counts().peers,
  );
  gauge('meshcall_connections', 'Open signaling sockets.', () => hub.counts().connections);
  gauge(
    'meshcall_peers_awaiting_resume',
    'Peers whose socket dropped, holding their place for RESUME_GRACE_MS.',
    () => hub.counts().awaitingResume,
  );
  gauge(
    'meshcall_held_bytes',
    'Bytes of messages held for peers awaiting resume (MAX_HELD_BYTES caps it).',
    () => hub.counts().heldBytes,
  );
  counter(
    'meshcall_connections_accepted_total',
    'Signaling sockets opened.',
    () => counters.accepted,
  );
  counter('meshcall_messages_received_total', 'Frames received.', () => counters.received);
  counter('meshcall_messages_sent_total', 'Frames sent.', () => counters.sent);
  counter(
    'meshcall_bytes_received_total',
    'Bytes of frames received.',
    () => counters.bytesReceived,
  );
  counter('meshcall_bytes_sent_total', 'Bytes of frames sent.', () => counters.bytesSent);
  counter(
    'meshcall_messages_relayed_total',
    'Descriptions and candidates relayed to a peer.',
    () => hub.counters.relayed,
  );
  // A rejection is either the endpoint's (the frame never reached the hub) or the hub's.
  counterBy('meshcall_messages_rejected_total', 'Frames refused, by reason.', 'reason', () => ({
    ...Object.fromEntries(FRAME_REJECTIONS.map((reason) => [reason, counters.rejected[reason]])),
    ...Object.fromEntries(
      ERROR_CODES.filter((code) => !(FRAME_REJECTIONS as readonly string[]).includes(code)).map(
        (code) => [code, hub.counters.refused[code]],
      ),
    ),
  }));
  counter('meshcall_joins_total', 'Peers that joined a room.', () => hub.counters.joins);
  counter(
    'meshcall_resumes_total',
    'Peers that reconnected and resumed their place.',
    () => hub.counters.resumes,
  );
  counter('meshcall_leaves_total', 'Peers that left a room.', () => hub.counters.leaves);
  counter(
    'meshcall_rate_limited_total',
    'Frames dropped by the per-socket rate limit.',
    () => counters.rejected['rate-limited'],
  );
  counterBy(
    'meshcall_upgrades_refused_total',
    'Signaling upgrades refused, by reason.',
    'reason',
    () => pick(UPGRADE_REFUSALS, counters.upgradesRefused),
  );
  counterBy(
    'meshcall_sockets_closed_by_server_total',
    'Sockets the server ended, by reason.',
    'reason',
    () => pick(SERVER_CLOSES, counters.serverClosed),
  );

  gauge(
    'meshcall_room_state_available',
    'Whether the room state can be reached: 1 in memory; with REDIS_URL, 0 while Redis is unreachable.',
    () => (endpoint.rooms.status().available ? 1 : 0),
  );
  counter(
    'meshcall_room_state_outages_total',
    'Times Redis became unreachable or stopped answering (REDIS_URL only).',
    () => endpoint.rooms.status().outages,
  );
  counter(
    'meshcall_room_state_errors_total',
    'Requests to Redis that failed or went unanswered (REDIS_URL only).',
    () => endpoint.rooms.status().errors,
  );
  counter(
    'meshcall_relays_lost_total',
    'Descriptions and candidates for another process that never reached Redis.',
    () => hub.counters.relaysLost,
  );

  const merged = Registry.merge([processMetrics(), registry]);
  return { contentType: merged.contentType, render: () => merged.metrics() };
}

function pick<K extends string>(keys: readonly K[], counts: Record<K, number>) {
  return Object.fromEntries(keys.map((key) => [key, counts[key]]));
}

let processRegistry: Registry | undefined;

/** Node's default metrics, once per process: they describe the process, not one server in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

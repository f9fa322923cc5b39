import { ERROR_CODES } from '../signaling/protocol';
import {
  FRAME_REJECTIONS,
  SERVER_CLOSES,
  UPGRADE_REFUSALS,
  type SignalingEndpoint,
} from './signaling-endpoint';

export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: readonly MetricSample[];
}

/** The content type of Prometheus' text exposition format, version 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Renders metric families in Prometheus' text exposition format. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  let text = '';
  for (const family of families) {
    text += `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      text += `${family.name}${renderLabels(sample.labels)} ${renderValue(sample.value)}\n`;
    }
  }
  return text;
}

function renderLabels(labels: MetricSample['labels']): string {
  if (!labels) return '';
  const pairs = Object.entries(labels).map(
    ([name, value]) =>
      `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Everything `/metrics` reports: the hub's rooms and traffic, the endpoint's refusals, memory. */
export function collectSignalingMetrics(endpoint: SignalingEndpoint): MetricFamily[] {
  const counts = endpoint.hub.counts();
  const hubCounters = endpoint.hub.counters;
  const counters = endpoint.counters;
  const memory = process.memoryUsage();
  const gauge = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: 'gauge',
    samples: [{ value }],
  });
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: 'counter',
    samples: [{ value }],
  });

  // A rejection is either the endpoint's (the frame never reached the hub) or the hub's.
  const rejections: MetricSample[] = [
    ...FRAME_REJECTIONS.map((reason) => ({ labels: { reason }, value: counters.rejected[reason] })),
    ...ERROR_CODES.filter((code) => !(FRAME_REJECTIONS as readonly string[]).includes(code)).map(
      (reason) => ({ labels: { reason }, value: hubCounters.refused[reason] }),
    ),
  ];

  return [
    gauge('meshcall_rooms', 'Rooms with at least one peer.', counts.rooms),
    gauge('meshcall_peers', 'Peers in rooms, including those awaiting resume.', counts.peers),
    gauge('meshcall_connections', 'Open signaling sockets.', counts.connections),
    gauge(
      'meshcall_peers_awaiting_resume',
      'Peers whose socket dropped, holding their place for RESUME_GRACE_MS.',
      counts.awaitingResume,
    ),
    gauge(
      'meshcall_held_bytes',
      'Bytes of messages held for peers awaiting resume (MAX_HELD_BYTES caps it).',
      counts.heldBytes,
    ),
    counter('meshcall_connections_accepted_total', 'Signaling sockets opened.', counters.accepted),
    counter('meshcall_messages_received_total', 'Frames received.', counters.received),
    counter('meshcall_messages_sent_total', 'Frames sent.', counters.sent),
    counter('meshcall_bytes_received_total', 'Bytes of frames received.', counters.bytesReceived),
    counter('meshcall_bytes_sent_total', 'Bytes of frames sent.', counters.bytesSent),
    counter(
      'meshcall_messages_relayed_total',
      'Descriptions and candidates relayed to a peer.',
      hubCounters.relayed,
    ),
    {
      name: 'meshcall_messages_rejected_total',
      help: 'Frames refused, by reason.',
      type: 'counter',
      samples: rejections,
    },
    counter('meshcall_joins_total', 'Peers that joined a room.', hubCounters.joins),
    counter(
      'meshcall_resumes_total',
      'Peers that reconnected and resumed their place.',
      hubCounters.resumes,
    ),
    counter('meshcall_leaves_total', 'Peers that left a room.', hubCounters.leaves),
    counter(
      'meshcall_rate_limited_total',
      'Frames dropped by the per-socket rate limit.',
      counters.rejected['rate-limited'],
    ),
    {
      name: 'meshcall_upgrades_refused_total',
      help: 'Signaling upgrades refused, by reason.',
      type: 'counter',
      samples: UPGRADE_REFUSALS.map((reason) => ({
        labels: { reason },
        value: counters.upgradesRefused[reason],
      })),
    },
    {
      name: 'meshcall_sockets_closed_by_server_total',
      help: 'Sockets the server ended, by reason.',
      type: 'counter',
      samples: SERVER_CLOSES.map((reason) => ({
        labels: { reason },
        value: counters.serverClosed[reason],
      })),
    },
    gauge(
      'meshcall_room_state_available',
      'Whether the room state can be reached: 1 in memory; with REDIS_URL, 0 while Redis is unreachable.',
      endpoint.rooms.status().available ? 1 : 0,
    ),
    counter(
      'meshcall_room_state_outages_total',
      'Times Redis became unreachable (REDIS_URL only).',
      endpoint.rooms.status().outages,
    ),
    counter(
      'meshcall_room_state_errors_total',
      'Requests to Redis that failed (REDIS_URL only).',
      endpoint.rooms.status().errors,
    ),
    counter(
      'meshcall_relays_lost_total',
      'Descriptions and candidates for another process that never reached Redis.',
      hubCounters.relaysLost,
    ),
    gauge('process_resident_memory_bytes', 'Resident set size in bytes.', memory.rss),
    gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', memory.heapUsed),
  ];
}

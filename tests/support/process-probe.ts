import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * What the kernel says about a running process: its open descriptors and resident memory, read
 * from /proc. Linux only; the hostile tests and the reproduction script use it on the server, the
 * call benchmark on each person's browser.
 */
export interface ProcessFigures {
  /** Open file descriptors: sockets, files, pipes. */
  descriptors: number;
  /** TCP sockets among them. */
  sockets: number;
  /** Resident memory in bytes. */
  rss: number;
}

export function processFigures(pid: number): ProcessFigures {
  const fdDirectory = `/proc/${pid}/fd`;
  let sockets = 0;
  const entries = readdirSync(fdDirectory);
  for (const entry of entries) {
    try {
      if (readlinkSync(`${fdDirectory}/${entry}`).startsWith('socket:')) sockets++;
    } catch {
      // Closed between the listing and the read.
    }
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return { descriptors: entries.length, sockets, rss: rssKiB * 1024 };
}

/** The soft limit on open descriptors of `pid`. */
export function descriptorLimit(pid: number): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  return Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? Infinity);
}

/** TCP connections to `port` on loopback in CLOSE-WAIT: the client left, the server never closed. */
export function closeWaitCount(port: number): number {
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      // State 08 is CLOSE_WAIT; the local port is the hex after the colon.
      if (local && state === '08' && parseInt(local.split(':')[1] ?? '', 16) === port) count++;
    }
  }
  return count;
}

/** Clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

interface ProcessStat {
  parent: number;
  /** User and system time, in clock ticks. */
  cpuTicks: number;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function readStat(pid: number): ProcessStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // Gone between the listing and the read.
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return { parent: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * CPU seconds used so far by the live processes of the tree rooted at `root` (a browser and its
 * renderer, GPU and utility processes), read from /proc. Linux only.
 */
export function processTreeCpuSeconds(root: number): number {
  const stats = new Map<number, ProcessStat>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of stats)
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  let ticks = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    ticks += stats.get(pid)?.cpuTicks ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / clockTicks();
}

/** The machine's CPU time so far, busy and in all, in clock ticks over every core (/proc/stat). */
export interface MachineTicks {
  busy: number;
  total: number;
}

export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal ...
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The share of the machine's CPU that was busy between two readings, 0 to 1. */
export function busyShare(from: MachineTicks, to: MachineTicks): number {
  return (to.busy - from.busy) / Math.max(1, to.total - from.total);
}

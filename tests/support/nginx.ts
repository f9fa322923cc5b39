import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers/app-server';

export interface Nginx {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  stop(): Promise<void>;
}

/** Debian's nginx (in /usr/sbin, often off a user's PATH), or NGINX_PATH. */
export function nginxExecutable(): string {
  const fromEnv = process.env.NGINX_PATH?.trim();
  if (fromEnv) return fromEnv;
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}

/**
 * The proxy part of docs/scaling.md's nginx example, for tests: one upstream of several app
 * processes, WebSocket upgrades passed through, a long read timeout, and a retry on the next
 * process when one is down or shutting down. No TLS (the example's certificates are the
 * operator's).
 */
export function nginxConfig(listenPort: number, upstreamPorts: readonly number[], dir: string) {
  const servers = upstreamPorts.map((port) => `    server 127.0.0.1:${port};`).join('\n');
  return `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream meshcall {
${servers}
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://meshcall;
      proxy_http_version 1.1;
      # $http_host keeps the port (the tests' origins have one); $host would drop it.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }
  }
}
`;
}

/**
 * Starts a real nginx in front of the app processes at `upstreamPorts`, on `port` or a free
 * loopback port. The processes must accept pages from its origin (PUBLIC_ORIGIN): choose the port
 * with `freePort` before starting them.
 */
export async function startNginx(upstreamPorts: readonly number[], port?: number): Promise<Nginx> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'meshcall-nginx-'));
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(port, upstreamPorts, dir));
  let output = '';
  const child: ChildProcess = spawn(nginxExecutable(), ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${output}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Fast shutdown: a graceful one would wait for every WebSocket to end.
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { freePort };

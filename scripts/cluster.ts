// `bun scripts/cluster.ts --instances N [--port 3001]`: N Souk processes on consecutive ports
// (port+1 ... port+N) against one Postgres (DATABASE_URL) and Redis (REDIS_URL), and a tiny
// round-robin HTTP + WebSocket proxy on the base port. Ctrl-C (or SIGTERM) stops them all
// gracefully. `startCluster` is what the bench (`bun run bench --instances 2`) and tests use.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Server, Subprocess } from 'bun'
import { newSecrets } from '../src/config'

const ROOT = join(import.meta.dir, '..')

export interface Instance {
  url: string
  port: number
  proc: Subprocess
  /** Sends `signal` (SIGTERM: a graceful stop) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>
}

export interface Cluster {
  /** The proxy's URL, or the first instance's when there is no proxy. */
  url: string
  instances: Instance[]
  /** Stops the proxy and every instance still running. */
  stop(): Promise<void>
}

export interface ClusterOptions {
  instances: number
  /** The proxy's port; instances take the next ones. 0 (the default): free ports, wherever they are. */
  port?: number
  /** Start the round-robin proxy (default true). */
  proxy?: boolean
  /** Environment of every instance, over this process's DATABASE_URL, REDIS_URL, NODE_ENV and PATH. */
  env?: Record<string, string>
  /** Open-files limit of each instance (through prlimit), for many sockets. */
  nofile?: number
  /** Where each instance's output goes: a directory (souk-<port>.log in it), or inherited. */
  logDir?: string
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: '0.0.0.0', port: 0, socket: { data() {} } })
  const { port } = probe
  probe.stop(true)
  return port
}

/** This process's open-files limits (soft, hard), from /proc. */
export function openFilesLimit(): { soft: number; hard: number } {
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))
  const value = (text: string | undefined) => (text === undefined || text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text))
  return { soft: value(match?.[1]), hard: value(match?.[2]) }
}

/**
 * `command` run with its open-files limit raised to `nofile` (at most the hard limit, which only
 * a privileged process may raise) through util-linux's prlimit; unchanged when no raise is needed
 * or prlimit is missing.
 */
export function withOpenFiles(command: string[], nofile: number | undefined): string[] {
  const { soft, hard } = openFilesLimit()
  const prlimit = nofile === undefined || nofile <= soft ? null : Bun.which('prlimit')
  return prlimit === null ? command : [prlimit, `--nofile=${Math.min(nofile!, hard)}:${hard}`, '--', ...command]
}

async function waitReady(url: string, proc: Subprocess): Promise<void> {
  const deadline = performance.now() + 60_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`souk at ${url} exited with ${proc.exitCode} while starting`)
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0)
    if (status === 200) return
    if (performance.now() > deadline) throw new Error(`souk at ${url} was not ready within 60 s`)
    await Bun.sleep(100)
  }
}

/**
 * Starts one Souk process (`bun src/main.ts`) on `port` and waits until /readyz answers 200. With
 * SOUK_CPU_PROF=<dir> in the environment, each process writes its CPU profile there when it stops
 * (Chrome's format and a Markdown summary: `bun --cpu-prof --cpu-prof-md`).
 */
export async function startInstance(port: number, env: Record<string, string>, options: Pick<ClusterOptions, 'nofile' | 'logDir'> = {}): Promise<Instance> {
  const profiles = process.env.SOUK_CPU_PROF
  const profiling = profiles === undefined ? [] : ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=souk-${port}`]
  const command = [process.execPath, ...profiling, 'src/main.ts']
  if (options.logDir !== undefined) mkdirSync(options.logDir, { recursive: true })
  const output = options.logDir === undefined ? 'inherit' : Bun.file(join(options.logDir, `souk-${port}.log`))
  const proc = Bun.spawn(withOpenFiles(command, options.nofile), {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdout: output,
    stderr: output,
  })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitReady(url, proc)
  } catch (error) {
    proc.kill('SIGKILL')
    throw error
  }
  return {
    url,
    port,
    proc,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal)
      return proc.exited
    },
  }
}

interface Relay {
  upstream: WebSocket
  pending: (string | Buffer)[]
}

/**
 * Round-robin over `upstreams`: each HTTP request and each WebSocket goes to the next instance.
 * A socket is relayed frame by frame; when either side closes, the other is closed with its code.
 */
export function startProxy(port: number, upstreams: string[]): Server<Relay> {
  let next = 0
  const pick = () => upstreams[next++ % upstreams.length]!
  return Bun.serve<Relay>({
    port,
    async fetch(request, server) {
      const url = new URL(request.url)
      const target = pick() + url.pathname + url.search
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
        const upstream = new WebSocket(target.replace(/^http/, 'ws'))
        return server.upgrade(request, { data: { upstream, pending: [] } }) ? undefined : new Response('Upgrade failed', { status: 400 })
      }
      const headers = new Headers(request.headers)
      headers.delete('host')
      return fetch(target, { method: request.method, headers, body: request.body, redirect: 'manual' })
    },
    websocket: {
      open(ws) {
        const { upstream } = ws.data
        upstream.addEventListener('open', () => {
          for (const frame of ws.data.pending.splice(0)) upstream.send(frame)
        })
        upstream.addEventListener('message', (event) => ws.send(event.data as string))
        upstream.addEventListener('close', (event) => ws.close(event.code === 1005 || event.code === 1006 ? 1011 : event.code, event.reason))
      },
      message(ws, frame) {
        const { upstream, pending } = ws.data
        if (upstream.readyState === WebSocket.OPEN) upstream.send(frame)
        else pending.push(frame)
      },
      close(ws) {
        ws.data.upstream.close()
      },
    },
  })
}

/** Starts `instances` Souk processes (in parallel) and, unless told not to, the proxy in front. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { DATABASE_URL, REDIS_URL } = { ...process.env, ...options.env }
  if (DATABASE_URL === undefined || REDIS_URL === undefined) throw new Error('a cluster needs DATABASE_URL and REDIS_URL (one Postgres and Redis for every instance)')
  const base = options.port ?? 0
  const proxyPort = base === 0 ? freePort() : base
  const ports = Array.from({ length: options.instances }, (_, i) => (base === 0 ? freePort() : base + 1 + i))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Instances of one deployment share the secrets and the public address (the token issuer).
    ...Object.fromEntries(Object.entries(newSecrets()).map(([name, value]) => [name, process.env[name] ?? value])),
    PUBLIC_URL: `http://localhost:${proxyPort}`,
    DATABASE_URL,
    REDIS_URL,
    ...options.env,
  }
  // Migrations run under an advisory lock, so instances may start together.
  const started = await Promise.allSettled(ports.map((port) => startInstance(port, env, options)))
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = started.find((s) => s.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all(instances.map((i) => i.stop()))
    throw (failed as PromiseRejectedResult).reason
  }
  const proxy = options.proxy === false ? null : startProxy(proxyPort, instances.map((i) => i.url))
  return {
    url: proxy === null ? instances[0]!.url : `http://127.0.0.1:${proxyPort}`,
    instances,
    stop: async () => {
      await proxy?.stop(true)
      await Promise.all(instances.map((i) => i.stop()))
    },
  }
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`)
    const value = at === -1 ? fallback : Number(process.argv[at + 1])
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`)
    return value
  }
  const cluster = await startCluster({ instances: arg('instances', 2), port: arg('port', 3001) })
  console.log(`Souk cluster: ${cluster.url} -> ${cluster.instances.map((i) => i.url).join(', ')} (Ctrl-C stops it)`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void cluster.stop().then(() => process.exit(0)))
  }
}

/**
 * `bun run dev`: Vite rebuilds the client and the SSR bundle on every change, and the server runs
 * under `bun --watch`. With WEB_WATCH the server loads a new build on the next request and open
 * pages reload themselves (see DEV_RELOAD_SCRIPT in src/web/index.ts). Rebuild-and-reload is used
 * rather than Vite's middleware mode because it runs the same bundles as production under Bun.
 */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { WEB_DIST } from '../src/web/build'

const root = join(import.meta.dir, '..')
const children: Subprocess[] = []

function spawn(cmd: string[], env: Record<string, string> = {}): Subprocess {
  const child = Bun.spawn(cmd, { cwd: root, stdio: ['inherit', 'inherit', 'inherit'], env: { ...process.env, ...env } })
  children.push(child)
  return child
}

function stop(code: number): never {
  for (const child of children) child.kill()
  process.exit(code)
}

process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

// Start from nothing, so "first build done" below means this session's build.
rmSync(WEB_DIST, { recursive: true, force: true })
spawn(['bunx', '--bun', 'vite', 'build', '--watch', '--logLevel', 'warn'])
spawn(['bunx', '--bun', 'vite', 'build', '--watch', '--ssr', '--logLevel', 'warn'])

const ready = () => existsSync(join(WEB_DIST, 'client/.vite/manifest.json')) && existsSync(join(WEB_DIST, 'server/entry-server.js'))
while (!ready()) await Bun.sleep(100)

const server = spawn(['bun', '--watch', 'src/main.ts'], { NODE_ENV: 'development', WEB_WATCH: 'true' })
process.exitCode = await server.exited
stop(process.exitCode ?? 0)

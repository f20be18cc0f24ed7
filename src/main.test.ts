import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSouk, waitFor } from './testing'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('main process', () => {
  it('starts on the embedded defaults, serves readiness, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'souk-main-'))
    dirs.push(dataDir)
    const souk = await startSouk({ DATA_DIR: dataDir })
    const ready = await fetch(`${souk.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(existsSync(join(dataDir, 'pg'))).toBe(true)
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true)

    souk.proc.kill('SIGTERM')
    expect(await souk.proc.exited).toBe(0)
    await souk.reading
    expect(souk.lines.map((l) => l.msg)).toContain('souk stopped')
    expect(souk.lines.find((l) => l.msg === 'souk stopped')?.forced).toBe(false)
    await expect(fetch(`${souk.url}/healthz`)).rejects.toThrow()

    // A restart on the same data directory comes up again on the kept database.
    const again = await startSouk({ DATA_DIR: dataDir })
    expect((await fetch(`${again.url}/readyz`)).status).toBe(200)
    again.proc.kill('SIGINT')
    expect(await again.proc.exited).toBe(0)
  }, 120_000)

  it('lets a request in flight at SIGTERM finish before exiting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'souk-main-'))
    dirs.push(dataDir)
    const souk = await startSouk({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' })
    // A sign-in whose body is still arriving when the signal comes.
    let sendRest!: () => void
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"email":"nobody@souk.test",'))
        sendRest = () => {
          controller.enqueue(new TextEncoder().encode('"password":"not-the-password"}'))
          controller.close()
        }
      },
    })
    const response = fetch(`${souk.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    await waitFor(
      () => souk.lines.some((l) => l.msg === 'request start' && l.path === '/api/v1/auth/login'),
      10_000,
      'the server to receive the sign-in',
    )
    souk.proc.kill('SIGTERM')
    await waitFor(() => souk.lines.some((l) => l.msg === 'souk stopping'), 10_000, 'the stopping line')
    sendRest()
    const res = await response
    expect(res.status).toBe(401)
    expect((await res.json()).error.type).toBe('unauthorized')
    expect(await souk.proc.exited).toBe(0)
    expect(souk.lines.find((l) => l.msg === 'souk stopped')?.forced).toBe(false)
  }, 120_000)

  /** Runs `bun src/main.ts` with `env` on a fresh data dir, expecting it to refuse to start. */
  async function refusal(env: Record<string, string>) {
    const dataDir = mkdtempSync(join(tmpdir(), 'souk-main-'))
    dirs.push(dataDir)
    const proc = Bun.spawn([process.execPath, 'src/main.ts'], {
      cwd: join(import.meta.dir, '..'),
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    return { code: await proc.exited, stderr: await new Response(proc.stderr).text() }
  }

  it('refuses to start with a bad variable and names it', async () => {
    const { code, stderr } = await refusal({ PORT: 'eighty' })
    expect(code).toBe(2)
    expect(stderr).toContain('PORT')
  })

  it('refuses to start in production without secrets', async () => {
    const { code, stderr } = await refusal({ NODE_ENV: 'production' })
    expect(code).toBe(2)
    expect(stderr).toContain('JWT_SECRET: required when NODE_ENV=production')
  })
})

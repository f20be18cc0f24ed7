import { describe, expect, it } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from './cluster'
import { missingPrerequisite } from './prerequisites.mjs'

const SCRIPT = join(import.meta.dir, 'prerequisites.mjs')

describe('missingPrerequisite()', () => {
  it('names the package to install when Chromium is missing and cannot be installed', async () => {
    const problem = await missingPrerequisite({ SOUK_INSTALL_PACKAGES: '0' }, '/nonexistent/chromium')
    expect(problem).toContain('apt-get install chromium')
    expect(problem).toContain('/nonexistent/chromium')
  })

  it('names a service URL that nothing answers at', async () => {
    const port = freePort()
    const problem = await missingPrerequisite({ CHROMIUM_PATH: process.execPath, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` })
    expect(problem).toBe(`DATABASE_URL points at 127.0.0.1:${port} but nothing answers there: start Postgres, or unset DATABASE_URL to test without it.`)
    const redis = await missingPrerequisite({ CHROMIUM_PATH: process.execPath, REDIS_URL: `redis://127.0.0.1:${port}` })
    expect(redis).toContain('REDIS_URL points at')
  })

  it('is satisfied by what this machine runs the suite with', async () => {
    expect(await missingPrerequisite({ ...process.env, SOUK_INSTALL_PACKAGES: '0' })).toBeNull()
  })
})

describe('scripts/prerequisites.mjs', () => {
  it('stops with exit 1 and one line when a prerequisite is missing', () => {
    const result = spawnSync('node', [SCRIPT], { env: { PATH: process.env.PATH, CHROMIUM_PATH: '/nonexistent/chromium' }, encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual(['CHROMIUM_PATH is /nonexistent/chromium, which does not exist: point it at a Chromium binary, or unset it to use Debian\'s chromium package.'])
  })
})

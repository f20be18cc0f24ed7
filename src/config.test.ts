import { afterEach, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from './config'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'souk-config-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable)
    throw error
  }
  return []
}

describe('loadConfig()', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const dataDir = tempDir()
    const config = loadConfig({ DATA_DIR: dataDir })
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeNull()
    expect(config.redisUrl).toBeNull()
    expect(config.publicUrl).toBe('http://localhost:3000')
    expect(config.logLevel).toBe('info')
    expect(config.env).toBe('development')
    expect(config.dataDir).toBe(dataDir)
  })

  it('parses every variable it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: tempDir(),
      DATABASE_URL: 'postgres://u@db:5432/souk',
      REDIS_URL: 'redis://cache:6379',
      PUBLIC_URL: 'https://souk.example/',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      PAYMENT_WEBHOOK_SECRET: 'y'.repeat(40),
      PAYOUT_DETAILS_KEY: 'z'.repeat(40),
      CARRIER_WEBHOOK_SECRET: 'w'.repeat(40),
      TICKET_LINK_SECRET: 'v'.repeat(40),
      PLATFORM_COMMISSION_BP: '250',
      ESCROW_AUTO_RELEASE_DAYS: '10',
    })
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/souk',
      redisUrl: 'redis://cache:6379',
      publicUrl: 'https://souk.example',
      logLevel: 'warn',
      env: 'production',
      secrets: { JWT_SECRET: 'x'.repeat(40), PAYMENT_WEBHOOK_SECRET: 'y'.repeat(40), PAYOUT_DETAILS_KEY: 'z'.repeat(40), CARRIER_WEBHOOK_SECRET: 'w'.repeat(40), TICKET_LINK_SECRET: 'v'.repeat(40) },
      money: { currencies: ['MAD'], commissionBp: 250, autoReleaseDays: 10, withdrawalMinMinor: 10_000, withdrawalDailyMaxMinor: 5_000_000 },
    })
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: '', PORT: '' }).databaseUrl).toBeNull()
  })

  it('names every bad variable', () => {
    expect(problemsOf({ DATA_DIR: tempDir(), PORT: 'eighty' })).toEqual(['PORT'])
    expect(problemsOf({ DATA_DIR: tempDir(), PORT: '70000' })).toEqual(['PORT'])
    expect(problemsOf({ DATA_DIR: tempDir(), DATABASE_URL: 'mysql://x', REDIS_URL: 'nope', LOG_LEVEL: 'loud' }).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'REDIS_URL',
    ])
    expect(problemsOf({ DATA_DIR: tempDir(), JWT_SECRET: 'short' })).toEqual(['JWT_SECRET'])
    expect(problemsOf({ DATA_DIR: tempDir(), TICKET_LINK_SECRET: 'short' })).toEqual(['TICKET_LINK_SECRET'])
    expect(problemsOf({ DATA_DIR: tempDir(), PLATFORM_COMMISSION_BP: '6000', ESCROW_AUTO_RELEASE_DAYS: '0' }).sort()).toEqual(['ESCROW_AUTO_RELEASE_DAYS', 'PLATFORM_COMMISSION_BP'])
  })

  it('refuses to start in production without its secrets', () => {
    expect(problemsOf({ DATA_DIR: tempDir(), NODE_ENV: 'production' })).toEqual(['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'PAYOUT_DETAILS_KEY', 'CARRIER_WEBHOOK_SECRET', 'TICKET_LINK_SECRET'])
  })

  it('generates secrets once and keeps them in DATA_DIR across restarts', () => {
    const dataDir = join(tempDir(), 'nested', 'data')
    const first = loadConfig({ DATA_DIR: dataDir })
    const second = loadConfig({ DATA_DIR: dataDir })
    expect(first.secrets.JWT_SECRET.length).toBeGreaterThanOrEqual(43)
    expect(second.secrets.JWT_SECRET).toBe(first.secrets.JWT_SECRET)
    const file = join(dataDir, 'secrets.json')
    expect(JSON.parse(readFileSync(file, 'utf8')).JWT_SECRET).toBe(first.secrets.JWT_SECRET)
    expect(second.secrets.PAYOUT_DETAILS_KEY).toBe(first.secrets.PAYOUT_DETAILS_KEY)
    expect(second.secrets.TICKET_LINK_SECRET).toBe(first.secrets.TICKET_LINK_SECRET)
    expect(new Set(Object.values(first.secrets)).size).toBe(5)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })
})

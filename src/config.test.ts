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

  it('has no assistant model unless ASSISTANT_MODEL_URL is set', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).assistant.model).toBeNull()
    expect(loadConfig({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: '', ASSISTANT_MODEL: '' }).assistant.model).toBeNull()
  })

  it('reads the assistant model endpoint, its key optional', () => {
    expect(
      loadConfig({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://api.example.com/v1/', ASSISTANT_MODEL: 'gpt-4o-mini', ASSISTANT_MODEL_KEY: 'sk-secret' })
        .assistant.model,
    ).toEqual({ url: 'https://api.example.com/v1', model: 'gpt-4o-mini', key: 'sk-secret', timeoutMs: 20_000 })
    expect(
      loadConfig({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'http://127.0.0.1:8080/v1', ASSISTANT_MODEL: 'local', ASSISTANT_MODEL_TIMEOUT_MS: '5000' })
        .assistant.model,
    ).toEqual({ url: 'http://127.0.0.1:8080/v1', model: 'local', key: null, timeoutMs: 5_000 })
  })

  it('names a bad or incomplete assistant model setting, and never shows the key', () => {
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'api.openai.com/v1', ASSISTANT_MODEL: 'm' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://exa mple.com', ASSISTANT_MODEL: 'm' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://a.example/v1?api-version=1', ASSISTANT_MODEL: 'm' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://a.example/v1#x', ASSISTANT_MODEL: 'm' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://api.example.com/v1' })).toEqual(['ASSISTANT_MODEL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL: 'm' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_KEY: 'sk-secret' })).toEqual(['ASSISTANT_MODEL_URL'])
    expect(problemsOf({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'https://a.example', ASSISTANT_MODEL: 'm', ASSISTANT_MODEL_TIMEOUT_MS: '50' })).toEqual([
      'ASSISTANT_MODEL_TIMEOUT_MS',
    ])
    const error = (() => {
      try {
        loadConfig({ DATA_DIR: tempDir(), ASSISTANT_MODEL_URL: 'nope', ASSISTANT_MODEL: 'm', ASSISTANT_MODEL_KEY: 'sk-secret' })
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toContain('ASSISTANT_MODEL_URL')
    expect(error?.message).not.toContain('sk-secret')
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

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Type as t, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/** Secrets Souk needs; generated and kept under DATA_DIR outside production. */
export const SECRET_NAMES = ['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'PAYOUT_DETAILS_KEY', 'CARRIER_WEBHOOK_SECRET', 'TICKET_LINK_SECRET'] as const
type SecretName = (typeof SECRET_NAMES)[number]

/** A fresh value for every secret: what the instances of one deployment (tests, the cluster, the bench) share. */
export const newSecrets = (): Record<SecretName, string> => Object.fromEntries(SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')])) as Record<SecretName, string>

const urlOf = (schemes: string[], options: { default?: string; description?: string } = {}) =>
  t.String({ pattern: `^(${schemes.join('|')})://.+`, description: `a ${schemes.join(' or ')} URL`, ...options })

const EnvSchema = t.Object({
  PORT: t.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATA_DIR: t.String({ minLength: 1, default: './data' }),
  DATABASE_URL: t.Optional(urlOf(['postgres', 'postgresql'])),
  REDIS_URL: t.Optional(urlOf(['redis', 'rediss'])),
  PUBLIC_URL: t.Optional(urlOf(['http', 'https'])),
  LOG_LEVEL: t.Union([t.Literal('debug'), t.Literal('info'), t.Literal('warn'), t.Literal('error'), t.Literal('silent')], {
    default: 'info',
  }),
  NODE_ENV: t.Union([t.Literal('development'), t.Literal('test'), t.Literal('production')], { default: 'development' }),
  JWT_SECRET: t.Optional(t.String({ minLength: 32, description: 'at least 32 characters (256 bits)' })),
  PAYMENT_WEBHOOK_SECRET: t.Optional(t.String({ minLength: 32, description: 'at least 32 characters: signs the card provider\'s webhooks' })),
  CARRIER_WEBHOOK_SECRET: t.Optional(t.String({ minLength: 32, description: 'at least 32 characters: signs carriers\' tracking webhooks' })),
  PAYOUT_DETAILS_KEY: t.Optional(t.String({ minLength: 32, description: 'at least 32 characters: encrypts bank details at rest' })),
  TICKET_LINK_SECRET: t.Optional(t.String({ minLength: 32, description: 'at least 32 characters: keys the tokens of the support ticket links emailed to visitors' })),
  CURRENCIES: t.String({ pattern: '^[A-Z]{3}(,[A-Z]{3})*$', default: 'MAD', description: 'comma-separated ISO 4217 codes, e.g. "MAD,EUR"' }),
  PLATFORM_SELLER: t.String({
    minLength: 1,
    maxLength: 400,
    default: 'Souk marketplace',
    description: 'who sells plans on their invoices: legal name, address and tax number, lines separated by " | "',
  }),
  PLATFORM_COMMISSION_BP: t.Integer({ minimum: 0, maximum: 5_000, default: 500, description: 'basis points from 0 to 5000 (500 = 5 %)' }),
  DISPUTE_RESPOND_DAYS: t.Integer({ minimum: 1, maximum: 30, default: 3, description: 'whole days from 1 to 30' }),
  REVIEW_WINDOW_DAYS: t.Integer({ minimum: 1, maximum: 365, default: 60, description: 'whole days from 1 to 365' }),
  ESCROW_AUTO_RELEASE_DAYS: t.Integer({ minimum: 1, maximum: 90, default: 7, description: 'whole days from 1 to 90' }),
  WITHDRAWAL_MIN_MINOR: t.Integer({ minimum: 1, default: 10_000, description: 'a positive whole number of minor units' }),
  WITHDRAWAL_DAILY_MAX_MINOR: t.Integer({ minimum: 1, default: 5_000_000, description: 'a positive whole number of minor units' }),
  DEPOSIT_MIN_MINOR: t.Integer({ minimum: 1, default: 1_000, description: 'a positive whole number of minor units' }),
  DEPOSIT_MAX_MINOR: t.Integer({ minimum: 1, default: 10_000_000, description: 'a positive whole number of minor units' }),
  TRUST_PROXY: t.Boolean({ default: false, description: 'true or false' }),
  WEB_WATCH: t.Boolean({ default: false, description: 'true or false: load each new client build and reload open pages (what `bun run dev` sets)' }),
  ADMIN_EMAIL: t.Optional(t.String({ pattern: '^[^@\\s]+@[^@\\s]+$', description: 'an email address' })),
  ADMIN_PASSWORD: t.Optional(t.String({ minLength: 8, maxLength: 128, description: '8 to 128 characters' })),
  SMTP_URL: t.Optional(urlOf(['smtp', 'smtps'])),
  MAIL_FROM: t.String({ minLength: 3, default: 'Souk <no-reply@localhost>' }),
  GOOGLE_CLIENT_ID: t.Optional(t.String({ minLength: 1 })),
  GOOGLE_JWKS_URL: urlOf(['http', 'https'], { default: 'https://www.googleapis.com/oauth2/v3/certs' }),
  MAINTENANCE_CRON: t.String({
    pattern: '^\\S+( \\S+){4}$',
    default: '15 0 * * *',
    description: 'a five-field cron expression (UTC), e.g. "15 0 * * *"',
  }),
  PRESENCE_TTL_MS: t.Integer({
    minimum: 2_000,
    maximum: 45_000,
    default: 45_000,
    description: 'milliseconds from 2000 to 45000: a killed instance\'s users show offline within 4/3 of it (≤ 60 s)',
  }),
  METRICS_TOKEN: t.Optional(t.String({ minLength: 16, description: 'at least 16 characters' })),
  SLOW_REQUEST_MS: t.Integer({ minimum: 1, default: 500, description: 'a whole number of milliseconds' }),
  SLOW_QUERY_MS: t.Integer({ minimum: 1, default: 200, description: 'a whole number of milliseconds' }),
  ASSISTANT_MODEL_URL: t.Optional(
    urlOf(['http', 'https'], { description: 'an http or https URL without a query or fragment: the base of an OpenAI-compatible API, e.g. https://api.openai.com/v1' }),
  ),
  ASSISTANT_MODEL: t.Optional(t.String({ minLength: 1, maxLength: 200, description: 'the model name the endpoint serves, e.g. "gpt-4o-mini"' })),
  ASSISTANT_MODEL_KEY: t.Optional(t.String({ minLength: 1, maxLength: 1000, description: 'the bearer key of the endpoint (1 to 1000 characters)' })),
  ASSISTANT_MODEL_TIMEOUT_MS: t.Integer({ minimum: 100, maximum: 300_000, default: 20_000, description: 'milliseconds from 100 to 300000' }),
  ALLOWED_ORIGINS: t.Optional(
    t.String({ pattern: '^\\s*https?://[^,\\s]+(\\s*,\\s*https?://[^,\\s]+)*\\s*$', description: 'comma-separated http(s) origins' }),
  ),
})
type Env = Static<typeof EnvSchema>

export type LogLevel = Env['LOG_LEVEL']

export interface Config {
  port: number
  dataDir: string
  databaseUrl: string | null
  redisUrl: string | null
  publicUrl: string
  logLevel: LogLevel
  env: Env['NODE_ENV']
  secrets: Record<SecretName, string>
  /** Take the client address from X-Forwarded-For (behind one reverse proxy). */
  trustProxy: boolean
  /** `bun run dev`: each new client build is loaded and open pages reload themselves (never in `npm start`). */
  webWatch: boolean
  /** The admin created or updated at start, when both variables are set. */
  admin: { email: string; password: string } | null
  /** SMTP when set; otherwise mail is stored and shown in the development mailbox. */
  smtpUrl: string | null
  mailFrom: string
  /** Google sign-in, enabled only when a client id is configured. */
  google: { clientId: string; jwksUrl: string } | null
  /** When the daily maintenance jobs (purge, statistics roll-up) run: a cron expression in UTC. */
  maintenanceCron: string
  /** Origins whose pages may open the WebSocket (`Origin` header); PUBLIC_URL's origin by default. */
  allowedOrigins: string[]
  /** Bearer token /metrics requires in production (where it answers 404 while unset); open elsewhere. */
  metricsToken: string | null
  /** Requests and queries slower than these are logged at warn with their timing. */
  slowRequestMs: number
  slowQueryMs: number
  /** How long a presence heartbeat keeps a connection alive; instances refresh and sweep every third of it. */
  presenceTtlMs: number
  /** Days after an order is completed during which its buyer may review its items. */
  reviewWindowDays: number
  /** The help assistant. */
  assistant: {
    /**
     * An OpenAI-compatible chat endpoint (`<url>/chat/completions`) that words answers from what
     * the assistant retrieved; null without ASSISTANT_MODEL_URL (the built-in answers stand).
     * Its `key` is a secret: never log it.
     */
    model: { url: string; model: string; key: string | null; timeoutMs: number } | null
  }
  /** The money rules: commission, escrow auto-release, deposit and withdrawal limits (minor units). */
  money: {
    /** The currencies wallets take deposits in. */
    currencies: string[]
    /** The platform's commission on each released escrow, in basis points (500 = 5 %). */
    commissionBp: number
    /** Who sells plans, as their invoices name it: legal name, address, tax number (PLATFORM_SELLER, one entry per line). */
    seller: string[]
    /** An escrow is released to the shop this many days after delivery unless a problem is reported. */
    autoReleaseDays: number
    /** Days a shop has to answer a dispute before it waits on an admin. */
    disputeRespondDays: number
    /** The smallest withdrawal, and the most one user withdraws in 24 hours. */
    withdrawalMinMinor: number
    withdrawalDailyMaxMinor: number
    /** The smallest and largest deposit. */
    depositMinMinor: number
    depositMaxMinor: number
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`)
    this.name = 'ConfigError'
  }
}

/** Keeps only the variables Souk reads, drops empty strings (an empty var means unset). */
function pickEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') out[key] = value
  }
  return out
}

/**
 * Parses the environment once. Throws ConfigError naming every bad variable.
 * Secrets missing outside production are generated and persisted in DATA_DIR/secrets.json,
 * so a restart keeps sessions; in production a missing secret is an error.
 */
/** An http(s) URL without a query or fragment: the chat endpoint's path is appended to it. */
function isPlainHttpUrl(text: string): boolean {
  const url = URL.parse(text)
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === ''
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = Value.Default(EnvSchema, Value.Convert(EnvSchema, pickEnv(env)))
  const errors = [...Value.Errors(EnvSchema, raw)]
  if (errors.length > 0) {
    const seen = new Set<string>()
    const problems = errors
      .map((e) => ({ variable: e.path.replace(/^\//, '') || '(root)', message: e.schema.description ?? e.message }))
      .filter((p) => (seen.has(p.variable) ? false : (seen.add(p.variable), true)))
    throw new ConfigError(problems)
  }
  const parsed = raw as Env
  if ((parsed.ADMIN_EMAIL === undefined) !== (parsed.ADMIN_PASSWORD === undefined)) {
    const variable = parsed.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'
    throw new ConfigError([{ variable, message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' }])
  }
  if ((parsed.ASSISTANT_MODEL_URL === undefined) !== (parsed.ASSISTANT_MODEL === undefined)) {
    const variable = parsed.ASSISTANT_MODEL_URL === undefined ? 'ASSISTANT_MODEL_URL' : 'ASSISTANT_MODEL'
    throw new ConfigError([{ variable, message: 'ASSISTANT_MODEL_URL and ASSISTANT_MODEL go together' }])
  }
  if (parsed.ASSISTANT_MODEL_URL !== undefined && !isPlainHttpUrl(parsed.ASSISTANT_MODEL_URL)) {
    throw new ConfigError([{ variable: 'ASSISTANT_MODEL_URL', message: EnvSchema.properties.ASSISTANT_MODEL_URL.description ?? 'a URL' }])
  }
  if (parsed.ASSISTANT_MODEL_KEY !== undefined && parsed.ASSISTANT_MODEL_URL === undefined) {
    throw new ConfigError([{ variable: 'ASSISTANT_MODEL_URL', message: 'required when ASSISTANT_MODEL_KEY is set' }])
  }
  for (const [min, max] of [['DEPOSIT_MIN_MINOR', 'DEPOSIT_MAX_MINOR'], ['WITHDRAWAL_MIN_MINOR', 'WITHDRAWAL_DAILY_MAX_MINOR']] as const) {
    if (parsed[min] > parsed[max]) throw new ConfigError([{ variable: min, message: `at most ${max} (${parsed[max]})` }])
  }
  const dataDir = resolve(parsed.DATA_DIR)
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '')
  return {
    port: parsed.PORT,
    dataDir,
    databaseUrl: parsed.DATABASE_URL ?? null,
    redisUrl: parsed.REDIS_URL ?? null,
    publicUrl,
    logLevel: parsed.LOG_LEVEL,
    env: parsed.NODE_ENV,
    secrets: resolveSecrets(parsed, dataDir),
    trustProxy: parsed.TRUST_PROXY,
    webWatch: parsed.WEB_WATCH,
    admin:
      parsed.ADMIN_EMAIL !== undefined && parsed.ADMIN_PASSWORD !== undefined
        ? { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD }
        : null,
    smtpUrl: parsed.SMTP_URL ?? null,
    mailFrom: parsed.MAIL_FROM,
    google: parsed.GOOGLE_CLIENT_ID !== undefined ? { clientId: parsed.GOOGLE_CLIENT_ID, jwksUrl: parsed.GOOGLE_JWKS_URL } : null,
    maintenanceCron: parsed.MAINTENANCE_CRON,
    allowedOrigins: (parsed.ALLOWED_ORIGINS?.split(',') ?? [publicUrl]).map((origin) => new URL(origin.trim()).origin),
    metricsToken: parsed.METRICS_TOKEN ?? null,
    slowRequestMs: parsed.SLOW_REQUEST_MS,
    slowQueryMs: parsed.SLOW_QUERY_MS,
    presenceTtlMs: parsed.PRESENCE_TTL_MS,
    reviewWindowDays: parsed.REVIEW_WINDOW_DAYS,
    assistant: {
      model:
        parsed.ASSISTANT_MODEL_URL !== undefined && parsed.ASSISTANT_MODEL !== undefined
          ? {
              url: parsed.ASSISTANT_MODEL_URL.replace(/\/+$/, ''),
              model: parsed.ASSISTANT_MODEL,
              key: parsed.ASSISTANT_MODEL_KEY ?? null,
              timeoutMs: parsed.ASSISTANT_MODEL_TIMEOUT_MS,
            }
          : null,
    },
    money: {
      currencies: parsed.CURRENCIES.split(','),
      commissionBp: parsed.PLATFORM_COMMISSION_BP,
      seller: parsed.PLATFORM_SELLER.split('|').map((line) => line.trim()).filter((line) => line !== ''),
      autoReleaseDays: parsed.ESCROW_AUTO_RELEASE_DAYS,
      disputeRespondDays: parsed.DISPUTE_RESPOND_DAYS,
      withdrawalMinMinor: parsed.WITHDRAWAL_MIN_MINOR,
      withdrawalDailyMaxMinor: parsed.WITHDRAWAL_DAILY_MAX_MINOR,
      depositMinMinor: parsed.DEPOSIT_MIN_MINOR,
      depositMaxMinor: parsed.DEPOSIT_MAX_MINOR,
    },
  }
}

function resolveSecrets(env: Env, dataDir: string): Record<SecretName, string> {
  const missing = SECRET_NAMES.filter((name) => env[name] === undefined)
  if (missing.length > 0 && env.NODE_ENV === 'production') {
    throw new ConfigError(missing.map((variable) => ({ variable, message: 'required when NODE_ENV=production' })))
  }
  const file = join(dataDir, 'secrets.json')
  const stored: Partial<Record<SecretName, string>> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  let changed = false
  const secrets = {} as Record<SecretName, string>
  for (const name of SECRET_NAMES) {
    const given = env[name]
    if (given !== undefined) {
      secrets[name] = given
      continue
    }
    let kept = stored[name]
    if (kept === undefined) {
      kept = randomBytes(32).toString('base64url')
      stored[name] = kept
      changed = true
    }
    secrets[name] = kept
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
  }
  return secrets
}

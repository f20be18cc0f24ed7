// The platform settings: one typed value (SettingsModel.Settings), the configuration's defaults
// under the admins' overrides (one row of platform_settings). Every instance reads it through its
// PlatformSettings, cached for SETTINGS_CACHE_MS and dropped at once on every instance when an admin
// changes a setting (SETTINGS_CHANGED_TOPIC on the bus); each change is audited, old → new.
import { eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import type { Bus } from '../../lib/bus'
import { TtlCache } from '../../lib/cache'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import type { Actor } from '../../lib/request-origin'
import { recordAudit } from '../audit'
import type { SettingsModel } from './model'
import { auditNameOf, SETTING_NAMES, type SettingName } from './names'
import { platformSettings } from './table'

type Conn = Db | Tx
type Settings = SettingsModel.Settings
type Row = typeof platformSettings.$inferSelect

/** Other instances drop their cached settings when this topic hears of a change. */
export const SETTINGS_CHANGED_TOPIC = 'settings:changed'
/** How long an instance keeps the settings it read: the longest a change can take to apply where the bus lost its message. */
export const SETTINGS_CACHE_MS = 5_000
/** A shop without a return policy of its own takes returns for this many days, until an admin sets another default. */
export const DEFAULT_RETURN_WINDOW_DAYS = 14

/** The money rules of the configuration that give the settings' defaults (config.money). */
export interface SettingsConfig {
  commissionBp: number
  autoReleaseDays: number
  withdrawalMinMinor: number
  /** Not a setting: a minimum above it could never be withdrawn. */
  withdrawalDailyMaxMinor: number
}

/** The settings without any admin's value: the configuration's (PLATFORM_COMMISSION_BP, ESCROW_AUTO_RELEASE_DAYS, WITHDRAWAL_MIN_MINOR). */
export const settingsDefaults = (config: SettingsConfig): Settings => ({
  commissionBp: config.commissionBp,
  escrowAutoReleaseDays: config.autoReleaseDays,
  returnWindowDays: DEFAULT_RETURN_WINDOW_DAYS,
  withdrawalMinMinor: config.withdrawalMinMinor,
})

/** The settings in force: a reader modules get through their deps. Inside a transaction, pass it (a miss is read there). */
export type ReadSettings = (conn?: Conn) => Promise<Settings>

export interface SettingsDeps {
  db: Db
  bus: Bus
  clock: Clock
  config: SettingsConfig
}

async function storedRow(db: Conn): Promise<Row | null> {
  const [row] = await db.select().from(platformSettings).where(eq(platformSettings.id, 1))
  return row ?? null
}

/** The value in force of each setting: the admin's where set, else the default. */
function effective(row: Row | null, defaults: Settings): Settings {
  const out = { ...defaults }
  for (const name of SETTING_NAMES) out[name] = row?.[name] ?? defaults[name]
  return out
}

const CACHE_KEY = 'settings'

/**
 * One instance's settings: `read()` answers from a cache of SETTINGS_CACHE_MS, dropped when any
 * instance announces a change (and when the bus comes back after losing its connection: what it
 * missed meanwhile is unknown). `update()` is the admins' PATCH.
 */
export class PlatformSettings {
  readonly defaults: Settings
  /** Resolves once changes announced on any instance reach this one (the bus subscription is acknowledged). */
  readonly ready: Promise<void>
  private readonly cache = new TtlCache<Settings>(SETTINGS_CACHE_MS, 1)

  constructor(private readonly deps: SettingsDeps) {
    this.defaults = settingsDefaults(deps.config)
    this.ready = deps.bus.subscribe(SETTINGS_CHANGED_TOPIC, () => this.cache.clear()).ready
    deps.bus.onResume(() => this.cache.clear())
  }

  /** The settings in force (a ReadSettings). In a transaction, a miss is read on `conn` and not kept (PGlite runs one connection: a read beside the transaction would wait for it). */
  readonly read: ReadSettings = (conn) => {
    const cached = this.cache.get(CACHE_KEY)
    if (cached !== null) return Promise.resolve(cached)
    if (conn !== undefined && conn !== this.deps.db) return storedRow(conn).then((row) => effective(row, this.defaults))
    return this.cache.load(CACHE_KEY, async () => effective(await storedRow(this.deps.db), this.defaults))
  }

  /** What the admins' screen shows: the values in force, the defaults, which an admin set, and when last. */
  async forAdmin(): Promise<SettingsModel.AdminSettings> {
    const row = await storedRow(this.deps.db)
    return {
      values: effective(row, this.defaults),
      defaults: this.defaults,
      overridden: SETTING_NAMES.filter((name) => row?.[name] != null),
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    }
  }

  /**
   * An admin (`by`) changes the settings given (null: back to the default), in one transaction with
   * an audit entry per setting whose stored value changed (`settings.changed` on `setting`
   * `<name>`, its value in force before and after); then every instance drops its cached settings.
   * The same value again changes nothing and leaves no entry.
   */
  async update(by: Actor & { actorId: string }, body: SettingsModel.PatchBody): Promise<SettingsModel.AdminSettings> {
    const minimum = body.withdrawalMinMinor
    if (minimum != null && minimum > this.deps.config.withdrawalDailyMaxMinor) {
      const max = this.deps.config.withdrawalDailyMaxMinor
      throw new AppError('invalid_data', `The smallest withdrawal cannot exceed the daily maximum (${max})`, [{ field: 'body.withdrawalMinMinor', message: `must be at most ${max} (WITHDRAWAL_DAILY_MAX_MINOR)` }])
    }
    const now = this.deps.clock.now()
    const changed = await this.deps.db.transaction(async (tx) => {
      await tx.insert(platformSettings).values({ id: 1, updatedAt: now }).onConflictDoNothing()
      const [before] = await tx.select().from(platformSettings).where(eq(platformSettings.id, 1)).for('update')
      const names = SETTING_NAMES.filter((name): name is SettingName => body[name] !== undefined && body[name] !== before![name])
      if (names.length === 0) return false
      const set: Partial<Record<SettingName, number | null>> = Object.fromEntries(names.map((name) => [name, body[name] ?? null]))
      const [after] = await tx
        .update(platformSettings)
        .set({ ...set, updatedAt: now, updatedBy: by.actorId })
        .where(eq(platformSettings.id, 1))
        .returning()
      const [from, to] = [effective(before!, this.defaults), effective(after!, this.defaults)]
      for (const name of names) {
        const summary = { setting: name, from: from[name], to: to[name], ...(after![name] === null ? { default: true } : {}) }
        await recordAudit(tx, { by, kind: 'settings.changed', subject: { type: 'setting', id: auditNameOf(name) }, summary, at: now })
      }
      return true
    })
    if (changed) {
      this.cache.clear()
      await this.deps.bus.publish(SETTINGS_CHANGED_TOPIC, {})
    }
    return this.forAdmin()
  }
}

export const createSettings = (deps: SettingsDeps) => new PlatformSettings(deps)

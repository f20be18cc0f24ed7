// The platform settings this module owns, browser-safe (plain constants): their names and bounds,
// which the model's schemas, the table's checks and the admin screen share.

/** Every setting, in the order the admin screen lists them. */
export const SETTING_NAMES = ['commissionBp', 'escrowAutoReleaseDays', 'returnWindowDays', 'withdrawalMinMinor'] as const
export type SettingName = (typeof SETTING_NAMES)[number]

/** Each setting's bounds (inclusive): those of the environment variable that gives its default, where there is one. */
export const SETTING_BOUNDS: Record<SettingName, { minimum: number; maximum: number }> = {
  commissionBp: { minimum: 0, maximum: 5_000 },
  escrowAutoReleaseDays: { minimum: 1, maximum: 90 },
  returnWindowDays: { minimum: 0, maximum: 90 },
  withdrawalMinMinor: { minimum: 1, maximum: 1_000_000_000 },
}

/** The name of a setting as the audit log's subject (`settings.changed` on `setting` `commission_bp`). */
export const auditNameOf = (name: SettingName) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

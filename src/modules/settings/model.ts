import { t, type TSchema } from 'elysia'
import { SETTING_BOUNDS, SETTING_NAMES, type SettingName } from './names'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

const DESCRIPTION: Record<SettingName, string> = {
  commissionBp: 'the platform’s commission on each sale, in basis points (500 = 5 %), for shops whose plan sets none',
  escrowAutoReleaseDays: 'days after delivery an escrow is released to the shop unless a problem is reported',
  returnWindowDays: 'days after delivery a buyer may ask for a return, at shops that set no return policy of their own; 0 takes no returns',
  withdrawalMinMinor: 'the smallest withdrawal, in minor units of its currency; at most the daily withdrawal maximum',
}

const field = (name: SettingName) => t.Integer({ ...SETTING_BOUNDS[name], description: DESCRIPTION[name] })

export namespace SettingsModel {
  /** The platform settings in force: an admin's value where one is set, else the default. */
  export const settings = t.Object({
    commissionBp: field('commissionBp'),
    escrowAutoReleaseDays: field('escrowAutoReleaseDays'),
    returnWindowDays: field('returnWindowDays'),
    withdrawalMinMinor: field('withdrawalMinMinor'),
  })
  export type Settings = typeof settings.static

  export const adminSettings = t.Object({
    values: settings,
    defaults: t.Object(settings.properties, { description: 'what each setting is without an admin’s value (the configuration’s)' }),
    overridden: t.Array(t.UnionEnum(SETTING_NAMES), { description: 'the settings an admin set (the others follow their default)' }),
    updatedAt: nullable(t.Date({ description: 'when an admin last changed a setting; null when none ever did' })),
    updatedBy: nullable(t.String({ description: 'the admin who last changed a setting' })),
  })
  export type AdminSettings = typeof adminSettings.static

  export const patchBody = t.Object(
    {
      commissionBp: t.Optional(nullable(field('commissionBp'))),
      escrowAutoReleaseDays: t.Optional(nullable(field('escrowAutoReleaseDays'))),
      returnWindowDays: t.Optional(nullable(field('returnWindowDays'))),
      withdrawalMinMinor: t.Optional(nullable(field('withdrawalMinMinor'))),
    },
    { minProperties: 1, additionalProperties: false, description: 'only the settings given change; null puts one back to its default' },
  )
  export type PatchBody = typeof patchBody.static
}

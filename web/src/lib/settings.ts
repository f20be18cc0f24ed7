import type { SettingName } from '../../../src/modules/settings/names'
import type { SettingsModel } from '../../../src/modules/settings/model'
import { api, must } from './api'

/** The platform settings admins change (commission, escrow auto-release, default return window, smallest withdrawal). */

export type AdminSettings = SettingsModel.AdminSettings
export type SettingsPatch = SettingsModel.PatchBody
export type { SettingName }

const admin = () => api().api.v1.admin.settings
export const getSettings = async () => must(await admin().get())
export const saveSettings = async (body: SettingsPatch) => must(await admin().patch(body))

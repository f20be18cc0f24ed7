// Platform settings (issue #20): the rules admins tune without a deployment — the platform's
// commission, the escrow's auto-release, the default return window, the smallest withdrawal — read
// by the modules that apply them through one typed reader (ReadSettings, handed in by app.ts),
// cached briefly per instance and dropped on every instance through the bus when an admin changes
// one; every change audited. Settings that have a home of their own stay there: TVA rates (orders),
// the listing review rule (catalog), the plan catalogue (plans); the admin screen links to them.
// Low in the module order: it depends on accounts (auth) and audit only.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { actorOf, originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { SettingsModel as M } from './model'
import type { PlatformSettings } from './service'

export { SETTING_BOUNDS, SETTING_NAMES, type SettingName } from './names'
export { SettingsModel } from './model'
export { createSettings, DEFAULT_RETURN_WINDOW_DAYS, type PlatformSettings, type ReadSettings, SETTINGS_CACHE_MS, SETTINGS_CHANGED_TOPIC, type SettingsConfig, settingsDefaults } from './service'
export { platformSettings } from './table'

export function settingsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock'> & { settings: PlatformSettings }) {
  const { settings } = ctx
  return new Elysia({ name: 'settings', prefix: '/api/v1/admin/settings' })
    .use(authPlugin(ctx))
    .use(originPlugin(ctx.config))
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('', () => settings.forAdmin(), {
          response: { 200: M.adminSettings, 401: ErrorResponse, 403: ErrorResponse },
          detail: { summary: 'The platform settings: the values in force, their defaults (the configuration’s) and which an admin set' },
        })
        .patch('', ({ user, body, origin }) => settings.update({ ...actorOf(user, origin), actorId: user.id }, body), {
          body: M.patchBody,
          response: { 200: M.adminSettings, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
          detail: {
            summary: 'Change platform settings (null puts one back to its default): audited, old → new, and in force on every instance at once',
            description: 'TVA rates, the listing review rule and the plan catalogue are changed on their own routes (`/admin/tax-rates`, `/admin/listings/rules`, `/admin/plans`).',
          },
        }),
    )
}

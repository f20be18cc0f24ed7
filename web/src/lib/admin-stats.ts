import type { AdminStatsModel, Figure, Granularity } from '../../../src/modules/admin-stats/model'
import { api, must } from './api'

/** The dashboard's figures and live strip (browser-only: the signed-in admin's token); shapes from AdminStatsModel. */
export type AdminStats = AdminStatsModel.Stats
export type AdminLive = AdminStatsModel.Live
export type { Figure, Granularity }

export const getAdminStats = async (query: AdminStatsModel.Query) => must(await api().api.v1.admin.stats.get({ query }))
export const getAdminLive = async () => must(await api().api.v1.admin.stats.live.get())

/**
 * How each figure reads, and whether less of it is better (refunds); keyed by the server's list, so
 * a figure added there needs words here to compile.
 */
export const FIGURE_TEXT: Record<Figure, { label: string; unit: 'money' | 'count' | 'rate'; better?: 'lower' }> = {
  gmv: { label: 'GMV', unit: 'money' },
  orders: { label: 'Orders', unit: 'count' },
  aov: { label: 'Average order', unit: 'money' },
  revenue: { label: 'Platform revenue', unit: 'money' },
  refunds: { label: 'Refunds', unit: 'money', better: 'lower' },
  newUsers: { label: 'New users', unit: 'count' },
  activeUsers: { label: 'Active users a day', unit: 'count' },
  weeklyActiveUsers: { label: 'Active users, last 7 days', unit: 'count' },
  newListings: { label: 'New listings', unit: 'count' },
  messages: { label: 'Messages sent', unit: 'count' },
  visitors: { label: 'Product visitors', unit: 'count' },
  conversion: { label: 'Conversion', unit: 'rate' },
}

// The live strip (issue #20): what happened in the last minutes, counted at each read.
import type { Db } from '../../../db/client'
import { countSignUps } from '../../accounts'
import { countMessagesSent } from '../../chat'
import { countOrdersPlaced } from '../../orders'
import type { AdminStatsModel } from '../model'
import { upToNow } from './today'

export const LIVE_MINUTES = 15

export async function readLive(db: Db, now: Date): Promise<AdminStatsModel.Live> {
  const from = new Date(now.getTime() - LIVE_MINUTES * 60_000)
  const to = upToNow(now)
  const [orders, signUps, messages] = await Promise.all([countOrdersPlaced(db, from, to), countSignUps(db, from, to), countMessagesSent(db, from, to)])
  return { minutes: LIVE_MINUTES, orders, signUps, messages, at: now }
}

import type { Db } from '../db/client'
import { type CurrentUser, getPublicProfile } from '../modules/accounts'
import { AppError } from '../lib/errors'
import type { TopicFamily } from './protocol'

/** Who subscribes: the socket's user. */
export type Viewer = Pick<CurrentUser, 'id' | 'role'>

/** Whether `viewer` may read the topic `<family>:<id>`; answered by the module owning the family. */
export type TopicRule = (viewer: Viewer, id: string) => Promise<boolean>

/**
 * Access rules per topic family, checked on every subscribe. A family without a rule refuses
 * everyone; the families modules own (`conversation:`, `job:`) get the rule their module exports,
 * handed in by the composition root: the gateway never changes for a new family.
 */
export class TopicRules {
  private readonly rules = new Map<TopicFamily, TopicRule>()

  register(family: TopicFamily, rule: TopicRule): void {
    if (this.rules.has(family)) throw new Error(`topics of family ${family} have a rule already`)
    this.rules.set(family, rule)
  }

  async allows(viewer: Viewer, topic: string): Promise<boolean> {
    const { family, id } = parseTopic(topic)
    const rule = this.rules.get(family)
    return rule === undefined ? false : rule(viewer, id)
  }
}

/** Splits a topic that matched the protocol's pattern. */
export function parseTopic(topic: string): { family: TopicFamily; id: string } {
  const colon = topic.indexOf(':')
  return { family: topic.slice(0, colon) as TopicFamily, id: topic.slice(colon + 1) }
}

/** Whether a user's profile, and so their presence, may be seen: the account exists and is live. */
export async function canSeeUser(db: Db, userId: string): Promise<boolean> {
  try {
    return !(await getPublicProfile(db, userId)).deleted
  } catch (error) {
    if (error instanceof AppError && error.type === 'not_found') return false
    throw error
  }
}

/** The rules of the families the realtime core owns (its own user, products, presence), then the modules'. */
export function createTopicRules(db: Db, moduleRules: Partial<Record<TopicFamily, TopicRule>>): TopicRules {
  const rules = new TopicRules()
  rules.register('user', async (viewer, id) => viewer.id === id)
  // Live stock, price and status are public, like the product page.
  rules.register('product', async () => true)
  rules.register('presence', (_viewer, id) => canSeeUser(db, id))
  for (const [family, rule] of Object.entries(moduleRules) as [TopicFamily, TopicRule][]) rules.register(family, rule)
  return rules
}

import { describe, expect, it } from 'bun:test'
import { Glob } from 'bun'
import { join } from 'node:path'
import { NOTIFICATION_TYPES } from './item'

// The preferences screen offers one row per notification type (GET /notifications/preferences
// answers NOTIFICATION_TYPES), so a type no module sends is a setting that does nothing. Senders
// are found in the source: a `type: '<kind>'` within a call to `notify` or a helper that wraps it
// (`deps.notify(tx, { …, type: 'order' })`, `notifyInto(…)`, `tell(…)`), a few lines from its name.
const SRC = join(import.meta.dir, '../..')
const SENDER = /notify|tell/i

async function sentTypes(): Promise<Map<string, string[]>> {
  const sent = new Map<string, string[]>()
  for await (const path of new Glob('**/*.ts').scan(SRC)) {
    if (path.endsWith('.test.ts') || path.endsWith('testing.ts') || path.startsWith('fuzz/')) continue
    const text = await Bun.file(join(SRC, path)).text()
    for (const match of text.matchAll(/\btype: '([a-z_]+)'/g)) {
      if (!SENDER.test(text.slice(Math.max(0, match.index - 250), match.index))) continue
      const line = text.slice(0, match.index).split('\n').length
      sent.set(match[1]!, [...(sent.get(match[1]!) ?? []), `${path}:${line}`])
    }
  }
  return sent
}

describe('notification types', () => {
  it('offers a preference only for a type some module sends, and sends only types with a preference', async () => {
    const sent = await sentTypes()
    expect(NOTIFICATION_TYPES.filter((type) => !sent.has(type))).toEqual([])
    expect([...sent.keys()].filter((type) => !(NOTIFICATION_TYPES as readonly string[]).includes(type))).toEqual([])
  })
})

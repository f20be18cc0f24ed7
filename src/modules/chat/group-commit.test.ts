import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { queryRows, sql } from '../../db/client'
import { newId } from '../../lib/ids'
import { createTestApp, postJson, signUpAndSignIn, type TestApp, type TestUser, waitFor } from '../../testing'
import { readEventRange } from '../../events/log'
import type { ChatMessage } from './item'
import { GroupCommit } from './service/group-commit'
import { messages } from './table'
import { makeSellerWithProducts, openConversation, send } from './testing'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
}, 60_000)
afterAll(() => t.close())

describe('GroupCommit', () => {
  it('writes what arrives together in one batch, in arrival order', async () => {
    const batches: number[][] = []
    const commit = new GroupCommit((inputs: number[]) =>
      t.ctx.database.db.transaction(async (tx) => {
        batches.push(inputs)
        await tx.execute(sql`select 1`)
        return inputs.map((n) => n * 2)
      }),
    )
    expect(await Promise.all([1, 2, 3, 4].map((n) => commit.submit(n)))).toEqual([2, 4, 6, 8])
    expect(batches).toEqual([[1, 2, 3, 4]])
  })

  it('with a linger, lets writes that arrive within it after a batch join the next one', async () => {
    const batches: number[][] = []
    let release = () => {}
    const committed = new Promise<void>((resolve) => (release = resolve))
    const write = async (inputs: number[]) => {
      batches.push(inputs)
      if (inputs.includes(1)) await committed
      return inputs
    }
    // The same arrivals: 2 while 1's batch is being written, 3 a turn of the event loop after it committed.
    const arrive = async (commit: GroupCommit<number, number>) => {
      batches.length = 0
      const first = commit.submit(1)
      while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve))
      const second = commit.submit(2)
      release()
      await first
      await new Promise((resolve) => setImmediate(resolve))
      await Promise.all([second, commit.submit(3)])
      return [...batches]
    }
    expect(await arrive(new GroupCommit(write, { linger: 250 }))).toEqual([[1], [2, 3]])
    expect(await arrive(new GroupCommit(write))).toEqual([[1], [2], [3]])
  })

  it('retries each write of a failed batch alone: one bad write fails only itself', async () => {
    const commit = new GroupCommit(async (inputs: number[]) => {
      await t.ctx.database.db.execute(sql`select 1`)
      if (inputs.includes(-1)) throw new Error('bad write')
      return inputs
    })
    const settled = await Promise.allSettled([1, -1, 2].map((n) => commit.submit(n)))
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('bad write')
  })

  it('answers only after the transaction committed', async () => {
    const table = `group_commit_${randomUUID().slice(0, 8)}`
    await t.ctx.database.db.execute(sql.raw(`create table ${table} (n int)`))
    const commit = new GroupCommit((inputs: number[]) =>
      t.ctx.database.db.transaction(async (tx) => {
        for (const n of inputs) await tx.execute(sql`insert into ${sql.identifier(table)} values (${n})`)
        return inputs
      }),
    )
    // Each answer, as it arrives, finds its row visible from outside the transaction.
    const seen = await Promise.all(
      [1, 2, 3].map(async (n) => {
        await commit.submit(n)
        const rows = (await t.ctx.database.db.execute(sql`select count(*)::int as c from ${sql.identifier(table)} where n = ${n}`)) as unknown
        return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0]
      }),
    )
    expect(seen).toEqual([{ c: 1 }, { c: 1 }, { c: 1 }])
  })
})

describe('batched sends', () => {
  let seller: TestUser
  let productId: string
  beforeAll(async () => {
    const fixture = await makeSellerWithProducts(t)
    seller = fixture.seller
    productId = fixture.product.id
  })

  it('numbers concurrent sends of both sides of a conversation 1..n, with their events in seq order', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, productId)
    const sends = Array.from({ length: 12 }, (_, i) => [i % 2 === 0 ? buyer : seller, `m${i}`] as const)
    const responses = await Promise.all(sends.map(([user, body]) => send(t, user, conversation.id, body)))
    expect(responses.map((r) => r.status)).toEqual(sends.map(() => 201))
    const sent = (await Promise.all(responses.map((r) => r.json()))) as ChatMessage[]
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(sent.map((m) => [m.senderId, m.body])).toEqual(sends.map(([user, body]) => [user.id, body]))
    const events = await readEventRange(t.ctx.database.db, `conversation:${conversation.id}`, 0, 1_000)
    const messageSeqs = events.filter((e) => e.kind === 'message').map((e) => (e.data as ChatMessage).seq)
    expect(messageSeqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
  })

  it('keeps conversations apart when sends to several arrive together', async () => {
    const buyers = await Promise.all([1, 2, 3].map(() => signUpAndSignIn(t)))
    const conversations = await Promise.all(buyers.map((b) => openConversation(t, b, productId)))
    const responses = await Promise.all(buyers.flatMap((b, i) => [1, 2].map((n) => send(t, b, conversations[i]!.id, `c${i} ${n}`))))
    const sent = (await Promise.all(responses.map((r) => r.json()))) as ChatMessage[]
    conversations.forEach((c, i) => {
      const its = sent.filter((m) => m.conversationId === c.id)
      expect(its.map((m) => m.body).sort()).toEqual([`c${i} 1`, `c${i} 2`])
      expect(its.map((m) => m.seq).sort()).toEqual([1, 2])
    })
  })

  it('refuses a stranger, a blocked sender and answers a repeated client id without failing the sends beside them', async () => {
    const [buyer, stranger, blockedBuyer] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t), signUpAndSignIn(t)])
    const conversation = await openConversation(t, buyer, productId)
    const blockedConversation = await openConversation(t, blockedBuyer, productId)
    expect((await postJson(t, `/api/v1/blocks/${blockedBuyer.id}`, {}, seller.auth)).status).toBe(200)
    const clientId = randomUUID()
    const responses = await Promise.all([
      send(t, buyer, conversation.id, 'first', clientId),
      send(t, stranger, conversation.id, 'intruder'),
      send(t, buyer, conversation.id, 'first again', clientId),
      send(t, blockedBuyer, blockedConversation.id, 'blocked'),
      send(t, seller, conversation.id, 'reply'),
    ])
    // Whichever of the two same-client-id sends arrived first made the message; the other answers it.
    const statuses = responses.map((r) => r.status)
    expect([statuses[0], statuses[2]].sort()).toEqual([200, 201])
    expect([statuses[1], statuses[3], statuses[4]]).toEqual([404, 403, 201])
    const [first, , again, , reply] = (await Promise.all(responses.map((r) => r.json()))) as ChatMessage[]
    expect(again!.id).toBe(first!.id)
    expect([first!.seq, reply!.seq].sort()).toEqual([1, 2])
  })

  // Two connections at once: only a real Postgres has them.
  it.skipIf(process.env.DATABASE_URL === undefined)('answers a send as a repeat when its client id commits elsewhere while it waits', async () => {
    const buyer = await signUpAndSignIn(t)
    const conversation = await openConversation(t, buyer, productId)
    const clientId = randomUUID()
    const db = t.ctx.database.db
    const inserted = Promise.withResolvers<void>()
    const release = Promise.withResolvers<void>()
    // Another transaction (another batch, another instance) writes the same client id, uncommitted.
    const elsewhere = db.transaction(async (tx) => {
      await tx.insert(messages).values({ id: newId('msg'), conversationId: conversation.id, seq: 1_000, senderId: buyer.id, clientId, kind: 'text', body: 'sent elsewhere', createdAt: new Date() })
      inserted.resolve()
      await release.promise
    })
    await inserted.promise
    // This send, alone in its batch, passes the duplicate check and then waits on the unique key.
    const sending = send(t, buyer, conversation.id, 'sent here', clientId)
    const waitingOnLock = sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
    await waitFor(async () => (await queryRows(db, waitingOnLock)).length > 0, 10_000, 'the send to wait on the uncommitted insert')
    release.resolve()
    await elsewhere
    const response = await sending
    expect(response.status).toBe(200)
    expect(((await response.json()) as ChatMessage).body).toBe('sent elsewhere')
  })
})

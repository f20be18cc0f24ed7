import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import fc from 'fast-check'
import type { Db } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { AppError } from '../../lib/errors'
import { createTestApp, signUpAndSignIn, type TestApp } from '../../testing'
import { balancesOf, reconcile } from './service/accounts'
import { type AccountRef, accountId, holdPending, postPending, transfer, voidPending } from './service/transfers'
import { ledgerAccounts, ledgerTransfers } from './table'

let t: TestApp
let db: Db
let owners: string[]

beforeAll(async () => {
  t = await createTestApp()
  db = t.ctx.database.db
  owners = []
  for (let i = 0; i < 3; i++) owners.push((await signUpAndSignIn(t)).id)
}, 60_000)
afterAll(() => t.close())

const now = () => new Date()
/** A user's wallet, or the outside world (a provider's clearing account, which may go below zero). */
const wallet = (ownerId: string, currency: string): AccountRef => ({ kind: 'available', ownerId, currency })
const outside = (currency: string): AccountRef => ({ kind: 'provider_clearing', provider: 'test', currency })

/** An operation of the model and of the database, with its own idempotency key. */
type Op =
  | { type: 'transfer' | 'reserve'; key: string; from: number; to: number; amount: number }
  | { type: 'post'; key: string; hold: number; amount: number | null }
  | { type: 'void'; key: string; hold: number }

/** Account index -1 is the outside (deposits come from it, withdrawals go to it); 0..n-1 are users. */
const refOf = (i: number, currency: string) => (i < 0 ? outside(currency) : wallet(owners[i]!, currency))

/** The tiny in-memory model: spendable and pending per account, pending holds and their fate. */
class Model {
  posted = new Map<number, number>()
  pendingOut = new Map<number, number>()
  holds: { from: number; to: number; amount: number; state: 'pending' | 'posted' | 'voided' }[] = []
  spendable = (i: number) => (this.posted.get(i) ?? 0) - (this.pendingOut.get(i) ?? 0)
  move(from: number, to: number, amount: number) {
    this.posted.set(from, (this.posted.get(from) ?? 0) - amount)
    this.posted.set(to, (this.posted.get(to) ?? 0) + amount)
  }
}

/** Runs one op on the database and on the model; both must agree on whether it is refused. */
async function run(op: Op, model: Model, currency: string, pendingIds: string[]): Promise<'ok' | 'refused'> {
  const attempt = async () => {
    await db.transaction(async (tx) => {
      if (op.type === 'transfer' || op.type === 'reserve') {
        const input = { key: op.key, debit: refOf(op.from, currency), credit: refOf(op.to, currency), amountMinor: op.amount, kind: 'deposit' as const, ref: 'test', now: now() }
        const made = op.type === 'transfer' ? await transfer(tx, input) : await holdPending(tx, input)
        if (op.type === 'reserve') pendingIds.push(made.transfer.id)
      } else if (op.type === 'post') {
        await postPending(tx, { key: op.key, pendingId: pendingIds[op.hold]!, amountMinor: op.amount ?? undefined, now: now() })
      } else {
        await voidPending(tx, { key: op.key, pendingId: pendingIds[(op as { hold: number }).hold]!, now: now() })
      }
    })
    return 'ok' as const
  }
  const outcome = await attempt().catch((error) => {
    if (error instanceof AppError && error.type === 'conflict') return 'refused' as const
    throw error
  })
  // The model's answer.
  if (op.type === 'transfer' || op.type === 'reserve') {
    const refused = op.from >= 0 && model.spendable(op.from) < op.amount
    expect(outcome).toBe(refused ? 'refused' : 'ok')
    if (!refused && op.type === 'transfer') model.move(op.from, op.to, op.amount)
    if (!refused && op.type === 'reserve') {
      model.pendingOut.set(op.from, (model.pendingOut.get(op.from) ?? 0) + op.amount)
      model.holds.push({ from: op.from, to: op.to, amount: op.amount, state: 'pending' })
    }
  } else {
    const hold = model.holds[(op as { hold: number }).hold]!
    expect(outcome).toBe(hold.state === 'pending' ? 'ok' : 'refused')
    if (hold.state === 'pending') {
      model.pendingOut.set(hold.from, model.pendingOut.get(hold.from)! - hold.amount)
      if (op.type === 'post') model.move(hold.from, hold.to, op.amount ?? hold.amount)
      hold.state = op.type === 'post' ? 'posted' : 'voided'
    }
  }
  return outcome
}

async function expectModel(model: Model, currency: string) {
  for (let i = 0; i < owners.length; i++) {
    const balances = await balancesOf(db, owners[i]!, currency)
    expect(balances.availableMinor).toBe(model.spendable(i))
    expect(balances.outgoingMinor).toBe(model.pendingOut.get(i) ?? 0)
  }
}

describe('the ledger against a model', () => {
  it('agrees with an in-memory model on every balance and every refusal, for random sequences of transfers, holds, posts and voids', async () => {
    let runIndex = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ type: fc.constantFrom('transfer' as const, 'reserve' as const), from: fc.integer({ min: -1, max: 2 }), to: fc.integer({ min: -1, max: 2 }), amount: fc.integer({ min: 1, max: 5_000 }) }),
            fc.record({ type: fc.constant('post' as const), hold: fc.nat(), amount: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }) }),
            fc.record({ type: fc.constant('void' as const), hold: fc.nat() }),
          ),
          { minLength: 5, maxLength: 25 },
        ),
        async (drawn) => {
          // Each run in its own currency: its accounts start at zero.
          runIndex += 1
          const currency = `Q${String.fromCharCode(65 + Math.floor(runIndex / 26) % 26)}${String.fromCharCode(65 + (runIndex % 26))}`
          const model = new Model()
          const pendingIds: string[] = []
          for (const step of drawn) {
            if ((step.type === 'transfer' || step.type === 'reserve') && step.from === step.to) continue
            if (step.type === 'post' || step.type === 'void') {
              if (model.holds.length === 0) continue
              const hold = step.hold % model.holds.length
              const amount = step.type === 'post' && step.amount !== null ? Math.min(step.amount, model.holds[hold]!.amount) : null
              await run(step.type === 'post' ? { type: 'post', key: randomUUID(), hold, amount } : { type: 'void', key: randomUUID(), hold }, model, currency, pendingIds)
            } else {
              await run({ ...step, key: randomUUID() }, model, currency, pendingIds)
            }
          }
          await expectModel(model, currency)
        },
      ),
      { numRuns: 40 },
    )
    const check = await reconcile(db, now())
    expect(check.mismatches).toEqual([])
  }, 120_000)
})

describe('concurrency and retries', () => {
  it('keeps 1,000 concurrent transfers, holds, posts and voids exact: no negative balance, debits equal credits, balances equal their transfers; replaying them changes nothing', async () => {
    const currency = 'QCC'
    // Funds from outside, then a storm over three wallets.
    await db.transaction(async (tx) => {
      for (const owner of owners) await transfer(tx, { key: `fund:${currency}:${owner}`, debit: outside(currency), credit: wallet(owner, currency), amountMinor: 50_000, kind: 'deposit', ref: 'test', now: now() })
    })
    const random = fc.sample(fc.record({ from: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: -1, max: 2 }), amount: fc.integer({ min: 1, max: 4_000 }), kind: fc.integer({ min: 0, max: 9 }) }), 1_000)
    const holds: (string | null)[] = []
    // The hold each resolving op picked on its first run: a replay resolves the same one.
    const picked = new Map<number, string | null>()
    const ops = random.map((op, i) => async () => {
      const to = op.to === op.from ? -1 : op.to
      const input = { key: `storm:${i}`, debit: refOf(op.from, currency), credit: refOf(to, currency), amountMinor: op.amount, kind: 'payment' as const, ref: `test:${i}`, now: now() }
      if (op.kind >= 5 && op.kind < 8) {
        // Known to others once committed.
        holds[i] = (await db.transaction((tx) => holdPending(tx, input))).transfer.id
        return
      }
      await db.transaction(async (tx) => {
        if (op.kind < 5) await transfer(tx, input)
        else {
          // Resolve a hold made earlier, if any: post or void, whichever comes first wins.
          const pendingId = picked.has(i) ? picked.get(i) : (holds.slice(0, i).reverse().find((id) => id != null) ?? null)
          picked.set(i, pendingId ?? null)
          if (pendingId == null) return
          if (op.kind === 8) await postPending(tx, { key: `storm-post:${pendingId}`, pendingId, now: now() })
          else await voidPending(tx, { key: `storm-void:${pendingId}`, pendingId, now: now() })
        }
      })
    })
    const first = await Promise.allSettled(ops.map((op) => op()))
    // Refusals are conflicts (not enough funds, a hold resolved already by the other side), never anything else.
    const refused = first.filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    for (const { reason } of refused) expect(reason instanceof AppError ? reason.type : reason).toBe('conflict')
    // The storm did move money, and ran into empty wallets too.
    expect(first.length - refused.length).toBeGreaterThan(200)
    expect(refused.length).toBeGreaterThan(0)

    const rows = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.currency, currency))
    for (const row of rows) {
      expect(Math.min(row.debitsPosted, row.creditsPosted, row.debitsPending, row.creditsPending)).toBeGreaterThanOrEqual(0)
      if (row.ownerId !== null) expect(row.creditsPosted - row.debitsPosted - row.debitsPending).toBeGreaterThanOrEqual(0)
    }
    const run = await reconcile(db, now())
    expect(run.mismatches).toEqual([])
    expect(run.debitsPosted).toBe(run.creditsPosted)
    const total = rows.reduce((sum, row) => sum + row.creditsPosted - row.debitsPosted, 0)
    expect(total).toBe(0)

    const transfersBefore = (await db.select({ n: sql<number>`count(*)::int` }).from(ledgerTransfers))[0]!.n
    // The retries of every request that went through, concurrently, with the same keys.
    const replayed = await Promise.allSettled(ops.filter((_, i) => first[i]!.status === 'fulfilled').map((op) => op()))
    expect(replayed.filter((result) => result.status === 'rejected')).toEqual([])
    const after = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.currency, currency))
    expect(after.map(({ updatedAt: _, ...row }) => row).sort((a, b) => a.id.localeCompare(b.id))).toEqual(rows.map(({ updatedAt: _, ...row }) => row).sort((a, b) => a.id.localeCompare(b.id)))
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(ledgerTransfers))[0]!.n).toBe(transfersBefore)
  }, 120_000)

  it('resolves a pending transfer once: a post and a void racing, exactly one wins', async () => {
    const currency = 'QRC'
    for (let round = 0; round < 10; round++) {
      const held = await db.transaction(async (tx) => {
        await transfer(tx, { key: `race-fund:${round}`, debit: outside(currency), credit: wallet(owners[0]!, currency), amountMinor: 1_000, kind: 'deposit', ref: 'test', now: now() })
        return holdPending(tx, { key: `race-hold:${round}`, debit: wallet(owners[0]!, currency), credit: wallet(owners[1]!, currency), amountMinor: 1_000, kind: 'escrow_hold', ref: 'test', now: now() })
      })
      const pendingId = held.transfer.id
      const results = await Promise.allSettled([
        db.transaction((tx) => postPending(tx, { key: `race-post:${round}`, pendingId, now: now() })),
        db.transaction((tx) => voidPending(tx, { key: `race-void:${round}`, pendingId, now: now() })),
      ])
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1)
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect((loser.reason as AppError).type).toBe('conflict')
    }
    const [a, b] = [await balancesOf(db, owners[0]!, currency), await balancesOf(db, owners[1]!, currency)]
    expect(a.availableMinor + b.availableMinor).toBe(10_000)
    expect(a.outgoingMinor).toBe(0)
  })

  it('refuses a key reused for another transfer, and answers the first for the same one', async () => {
    const currency = 'QKY'
    const input = { key: `same:${randomUUID()}`, debit: outside(currency), credit: wallet(owners[2]!, currency), amountMinor: 700, kind: 'deposit' as const, ref: 'test', now: now() }
    const first = await db.transaction((tx) => transfer(tx, input))
    const again = await db.transaction((tx) => transfer(tx, input))
    expect(again.created).toBe(false)
    expect(again.transfer.id).toBe(first.transfer.id)
    const other = await db.transaction((tx) => transfer(tx, { ...input, amountMinor: 701 })).catch((error) => error)
    expect(other).toBeInstanceOf(AppError)
    expect((other as AppError).details).toEqual({ reason: 'idempotency_key_reused' })
    expect((await balancesOf(db, owners[2]!, currency)).availableMinor).toBe(700)
  })

  it('lets the database itself refuse a user balance below zero', async () => {
    const id = accountId(wallet(owners[0]!, 'QNG'))
    await db.transaction((tx) => transfer(tx, { key: `neg:${randomUUID()}`, debit: outside('QNG'), credit: wallet(owners[0]!, 'QNG'), amountMinor: 10, kind: 'deposit', ref: 'test', now: now() }))
    const refused = await db.update(ledgerAccounts).set({ debitsPosted: 11 }).where(eq(ledgerAccounts.id, id)).catch((error) => error)
    expect(pgErrorOf(refused)?.constraint).toBe('ledger_accounts_user_balance_check')
  })
})

describe('reconciliation', () => {
  it('finds a balance that does not match its transfers, and says so on /metrics', async () => {
    const currency = 'QRE'
    await db.transaction((tx) => transfer(tx, { key: `rec:${randomUUID()}`, debit: outside(currency), credit: wallet(owners[1]!, currency), amountMinor: 500, kind: 'deposit', ref: 'test', now: now() }))
    expect((await reconcile(db, now())).ok).toBe(true)
    const id = accountId(wallet(owners[1]!, currency))
    // Someone edits a balance by hand, outside the ledger.
    await db.update(ledgerAccounts).set({ creditsPosted: 600 }).where(eq(ledgerAccounts.id, id))
    const run = await reconcile(db, now())
    expect(run.ok).toBe(false)
    expect(run.mismatches).toContainEqual({ accountId: id, field: 'credits_posted', stored: 600, computed: 500 })
    expect(run.mismatches).toContainEqual({ accountId: '*', field: 'debits = credits', stored: run.debitsPosted, computed: run.creditsPosted })
    const metrics = await (await t.request('/metrics')).text()
    expect(metrics).toMatch(/souk_ledger_reconciliation_mismatches [1-9]/)
    await db.update(ledgerAccounts).set({ creditsPosted: 500 }).where(eq(ledgerAccounts.id, id))
    expect((await reconcile(db, now())).ok).toBe(true)
    expect(await (await t.request('/metrics')).text()).toContain('souk_ledger_reconciliation_mismatches 0')
  })
})

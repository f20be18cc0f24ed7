// S5 checkout, against Souk only: a checkout is Souk's own rules (idempotency key, stock, orders,
// invoice numbers, events), with no raw equivalent worth writing. Contention: 200 buyers place the
// last 10 units of one product at once, one request each: 10 sold, 190 refused with a clean 409,
// nothing else; then the database must hold stock 0 and exactly 10 order items of it. Throughput:
// 200 buyers, each with its own product in its own shop, loop cart put + checkout.
import { count, eq } from 'drizzle-orm'
import { openPostgres } from '../../src/db/client'
import { products } from '../../src/modules/catalog/table'
import { orderItems } from '../../src/modules/orders/table'
import { type BenchContext, drive, type Target } from './drive'
import { type Latency, settle } from './proc'
import { type Result, toResult } from './results'
import { accessTokens, type CheckoutBuyer, SEED } from './setup'

interface ContentionResult {
  sold: number
  refused: number
  other: number
  latency: Latency
}

interface ThroughputResult {
  placed: number
  achieved: number
  errors: number
  limited: number
  latency: Latency
}

/** What load-checkout.ts needs of each buyer, with an access token minted now. */
async function signedInBuyers(buyers: CheckoutBuyer[], ctx: BenchContext) {
  const tokens = await accessTokens(buyers, ctx)
  return buyers.map(({ addressId, productId, shipping }, i) => ({ token: tokens[i]!, addressId, productId, shipping }))
}

/** What the checkouts left of a product: its stock and the order items that sold it. */
async function soldInDatabase(ctx: BenchContext, productId: string): Promise<{ stockLeft: number; orderItems: number }> {
  const database = openPostgres(ctx.databaseUrl, { max: 1 })
  const [product] = await database.db.select({ stock: products.stock }).from(products).where(eq(products.id, productId))
  const [items] = await database.db.select({ count: count() }).from(orderItems).where(eq(orderItems.productId, productId))
  await database.close()
  return { stockLeft: product!.stock, orderItems: items!.count }
}

export async function checkouts(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const { contendedId, contenders, soloBuyers } = ctx.data.checkout
  const url = target.urls[0]
  const options = { serverPids: target.pids, database: ctx.database }

  const [rush] = await drive<ContentionResult>('load-checkout.ts', { url, buyers: await signedInBuyers(contenders, ctx), phase: { name: 'contention' } }, options)
  const { sold, refused, other, latency } = rush!.result
  const left = await soldInDatabase(ctx, contendedId)
  const stock = SEED.contendedStock
  if (sold !== stock || refused !== contenders.length - stock || other !== 0 || left.stockLeft !== 0 || left.orderItems !== stock) {
    console.error(
      `S5 FAIL: ${contenders.length} buyers of ${stock} units: sold ${sold} (want ${stock}), refused ${refused} (want ${contenders.length - stock}), other ${other} (want 0); ` +
        `the database holds stock ${left.stockLeft} (want 0) and ${left.orderItems} order items (want ${stock})`,
    )
  }

  await settle(target.pids)
  const phase = { name: 'throughput', seconds: ctx.quick ? 3 : 10, warmupSeconds: ctx.quick ? 1 : 2 }
  const [loop] = await drive<ThroughputResult>('load-checkout.ts', { url, buyers: await signedInBuyers(soloBuyers, ctx), phase }, options)
  const { placed, achieved, errors, limited, latency: checkoutLatency } = loop!.result
  return [
    toResult(target.name, 'S5 checkout', instances, rush!, {
      variant: `${contenders.length} buyers, stock ${stock}`,
      unit: 'sold',
      offered: null,
      achieved: sold,
      latencyMs: latency,
      errors: other,
      extra: { refused, ...left },
    }),
    toResult(target.name, 'S5 checkout', instances, loop!, {
      variant: `${soloBuyers.length} buyers, own products`,
      unit: 'checkouts/s',
      offered: null,
      achieved,
      latencyMs: checkoutLatency,
      errors,
      extra: { placed, limited },
    }),
  ]
}

// S2 chat delivery: 1,000 signed-in sockets, two per conversation, each subscribed to its
// conversation; offered 500 sends/s (an everyday load: 10 s from cold, then 10 s warm), 5,000
// sends/s, and closed-loop. Each send is delivered to the other participant; CPU and statements
// are counted per delivery. With several instances the two participants of a conversation sit on
// different instances (every delivery crosses Redis).
import { type BenchContext, drive, socketUrls, type Target } from './drive'
import { type Latency, settle } from './proc'
import { type Result, toResult } from './results'

interface ChatResult {
  sent: number
  delivered: number
  achieved: number
  undelivered: number
  duplicates: number
  errors: number
  latency: Latency
}

export async function chatDelivery(target: Target, ctx: BenchContext, instances: number): Promise<Result[]> {
  const users = ctx.data.conversations.flatMap((c) => [c.buyer, c.seller])
  const seconds = ctx.quick ? 2 : 5
  // The first phase is the first chat the process serves: its code paths are not compiled yet
  // (the JIT) and its connections have run none of the chat's statements. Its figures are a
  // cold start; the phases after it measure a process that is warm, as one serving users is.
  const phases = [
    { name: 'cold 500/s', rate: 500, seconds: ctx.quick ? 2 : 10 },
    { name: '500/s', rate: 500, seconds: ctx.quick ? 2 : 10 },
    { name: '5000/s', rate: 5_000, seconds },
    { name: 'closed', rate: null, seconds },
  ]
  const results: Result[] = []
  // A generator per phase, on fresh sockets: what an overloaded phase leaves queued on the
  // server dies with its sockets instead of slowing the next phase.
  for (const phase of phases) {
    await settle(target.pids)
    // Buyers on the first instance, sellers on the next (socketUrls spreads by index).
    const urls = await socketUrls(target, ctx, users, () => '127.0.0.1')
    const sockets = users.map((user, i) => ({ url: urls[i]!, userId: user.id, conversationId: ctx.data.conversations[i >> 1]!.id }))
    const [measured] = await drive<ChatResult>('load-chat.ts', { sockets, phase, drainSeconds: ctx.quick ? 3 : 5 }, { serverPids: target.pids, database: ctx.database, statements: ctx.statements })
    const { achieved, latency, errors, sent, delivered, undelivered, duplicates } = measured!.result
    results.push(
      toResult(target.name, 'S2 chat', instances, measured!, { variant: phase.name, unit: 'msg/s', offered: phase.rate, achieved, latencyMs: latency, errors, extra: { sent, undelivered, duplicates } }, delivered),
    )
  }
  return results
}

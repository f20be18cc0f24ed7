import { Elysia, t } from 'elysia'
import { apiOnly } from '../../lib/openapi'

export { metricsRoutes } from './metrics'

/** A named readiness check: resolves when healthy, throws with the reason otherwise. */
export type ReadinessChecks = Record<string, () => Promise<void>>

const CHECK_TIMEOUT_MS = 2_000

const checkResult = t.Object({ ok: t.Boolean(), error: t.Optional(t.String()) })
const readiness = t.Object({
  status: t.Union([t.Literal('ready'), t.Literal('not_ready')]),
  failing: t.Array(t.String()),
  checks: t.Record(t.String(), checkResult),
})

async function runCheck(check: () => Promise<void>): Promise<typeof checkResult.static> {
  let timer: Timer | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([check(), timeout])
    return { ok: true }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** `/healthz`: the process answers. `/readyz`: every dependency answers (503 naming the failures). */
export function healthRoutes(checks: ReadinessChecks) {
  return new Elysia({ name: 'health', detail: { tags: ['Operations'] } })
    .get('/healthz', () => ({ status: 'ok' as const }), {
      response: t.Object({ status: t.Literal('ok') }),
      detail: { summary: 'Liveness: the process is up', ...apiOnly('for load balancers and container health checks') },
    })
    .get(
      '/readyz',
      async ({ status }) => {
        const names = Object.keys(checks)
        const results = await Promise.all(names.map((name) => runCheck(checks[name]!)))
        const byName = Object.fromEntries(names.map((name, i) => [name, results[i]!]))
        const failing = names.filter((name) => !byName[name]!.ok)
        const body = { status: failing.length === 0 ? ('ready' as const) : ('not_ready' as const), failing, checks: byName }
        return failing.length === 0 ? body : status(503, body)
      },
      {
        response: { 200: readiness, 503: readiness },
        detail: { summary: 'Readiness: database, migrations, Redis (when configured) and job queue answer' },
      },
    )
}

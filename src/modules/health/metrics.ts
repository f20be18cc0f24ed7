import { createHash, timingSafeEqual } from 'node:crypto'
import { Elysia, t } from 'elysia'
import type { Config } from '../../config'
import { AppError, ErrorResponse } from '../../lib/errors'
import type { Metrics } from '../../lib/metrics'
import { apiOnly } from '../../lib/openapi'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * `/metrics` in Prometheus text format. In production it needs `Authorization: Bearer
 * <METRICS_TOKEN>` and answers 404 while no token is configured; elsewhere it is open.
 */
export function metricsRoutes({ metrics, config }: { metrics: Metrics; config: Pick<Config, 'env' | 'metricsToken'> }) {
  const guarded = config.env === 'production'
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first byte.
  const expected = config.metricsToken === null ? null : digest(`Bearer ${config.metricsToken}`)
  return new Elysia({ name: 'metrics', detail: { tags: ['Operations'] } }).get(
    '/metrics',
    async ({ headers }) => {
      if (guarded) {
        if (expected === null) throw new AppError('not_found', 'No route for GET /metrics')
        if (!timingSafeEqual(digest(headers.authorization ?? ''), expected)) throw new AppError('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>')
      }
      return new Response(await metrics.scrape(), { headers: { 'content-type': metrics.contentType } })
    },
    {
      response: { 200: t.String({ description: 'Prometheus text exposition format' }), 401: ErrorResponse, 404: ErrorResponse },
      detail: {
        summary: 'Prometheus metrics of this instance',
        description: 'In production it requires `Authorization: Bearer <METRICS_TOKEN>` and answers 404 when METRICS_TOKEN is unset.',
        ...apiOnly('for a Prometheus scraper'),
      },
    },
  )
}

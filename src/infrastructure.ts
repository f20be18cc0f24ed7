import type { Config } from './config'
import type { Database } from './db/client'
import type { Queue } from './jobs/queue'
import type { Bus } from './lib/bus'
import type { Clock } from './lib/clock'
import type { EphemeralStore } from './lib/ephemeral-store'
import type { Logger } from './lib/log'
import type { Metrics } from './lib/metrics'
import type { RateLimiter } from './lib/rate-limit'

/**
 * What one process shares, built first by main.ts (or src/testing.ts) and handed to the composition
 * root (src/app.ts). Modules take the parts they need (`Pick<Infrastructure, ...>`), never the whole.
 */
export interface Infrastructure {
  config: Config
  database: Database
  bus: Bus
  /** The job queue; null in tests that run no job (jobs are then refused as not ready). */
  queue: Queue | null
  log: Logger
  /** Source of "now" for every time rule (tests pass a ManualClock). */
  clock: Clock
  /** Rate limits and lockouts: Redis when configured, so they hold across instances. */
  limiter: RateLimiter
  /** Short-lived values kept nowhere else (guests' help conversations): Redis when configured, shared by every instance. */
  ephemeral: EphemeralStore
  /** This instance's Prometheus families (served at /metrics). */
  metrics: Metrics
}

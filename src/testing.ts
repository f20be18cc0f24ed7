import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { type AppContext, createApp } from './app'
import { loadConfig } from './config'
import { createTestDatabase, type TestDatabase } from './db/test-database'
import { startQueue } from './jobs/queue'
import { createLogger } from './lib/log'
import { type Bus, createBus } from './realtime/bus'

export interface TestApp {
  app: ReturnType<typeof createApp>
  ctx: AppContext & { database: TestDatabase }
  /** `app.handle` on an absolute localhost URL (Elysia 404s short hosts). */
  request(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/**
 * Builds the real app for one test file: its own database (clone of the migrated template on
 * Postgres, fresh PGlite otherwise), the Redis bus when REDIS_URL is set, and optionally the queue.
 */
export async function createTestApp(options: { queue?: boolean; bus?: Bus } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-test-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  })
  const log = createLogger(config.logLevel)
  const database = await createTestDatabase()
  const bus = options.bus ?? createBus(config.redisUrl, log)
  const queue = options.queue === true ? await startQueue(database, log) : null
  const ctx = { config, database, bus, queue, log }
  const app = createApp(ctx)
  return {
    app,
    ctx,
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    close: async () => {
      await queue?.stop()
      await bus.close()
      await database.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

// `bun scripts/seed.ts`: seeds demo data into the configured database (DATABASE_URL or the
// embedded PGlite under DATA_DIR) when it has none yet. `npm start` does this on a first start.
import { loadConfig } from '../src/config'
import { openDatabase } from '../src/db/client'
import { migrateDatabase } from '../src/db/migrate'
import { systemClock } from '../src/lib/clock'
import { createLogger } from '../src/lib/log'
import { createBus } from '../src/lib/bus'
import { DEMO_ACCOUNTS, seedDemo } from '../src/seed'

const config = loadConfig()
const log = createLogger(config.logLevel)
const database = await openDatabase(config)
await migrateDatabase(database)
// With REDIS_URL, running instances hear that their cached pages are stale.
const bus = createBus(config.redisUrl, log)
const seeded = await seedDemo({ db: database.db, clock: systemClock, log, bus, publicUrl: config.publicUrl, money: config.money })
await bus.close()
await database.close()
console.log(seeded ? `Seeded demo data. Sign in as: ${DEMO_ACCOUNTS.map((a) => `${a.email} / ${a.password}`).join(', ')}` : 'The database already has data; nothing seeded.')

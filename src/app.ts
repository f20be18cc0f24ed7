// The composition root: from the infrastructure main.ts (or src/testing.ts) built — config,
// database, bus, queue, limiter — it builds every service in order and hands each module what it
// needs: shared services (mailer, notifications, orders) → job kinds → realtime state → chat → realtime
// (with the services socket handlers call and the modules' topic rules) → routes. Nothing is
// provided late, and no module or plugin imports this file.
import { Elysia } from 'elysia'
import { queryRows, sql } from './db/client'
import { migrationStatus } from './db/migrate'
import type { Queue } from './jobs/queue'
import type { Infrastructure } from './infrastructure'
import { bodyGuard } from './lib/body-guard'
import { httpBasics } from './lib/http'
import { apiDocs } from './lib/openapi'
import { securityHeaders } from './lib/security-headers'
import { type AccountAudit, accountsRoutes } from './modules/accounts'
import { type AssistantDeps, assistantRoutes, chatCompletionsModel } from './modules/assistant'
import { AUDIT_JOB_KINDS, auditRoutes, recordAudit } from './modules/audit'
import { adminQueueTopicRules, adminQueuesRoutes } from './modules/admin-queues'
import { adminStatsRoutes, statsRollUp } from './modules/admin-stats'
import { ADMIN_USERS_JOB_KINDS, adminUsersRoutes } from './modules/admin-users'
import { addressesRoutes } from './modules/addresses'
import { cartRoutes } from './modules/cart'
import { CATALOG_JOB_KINDS, catalogRoutes } from './modules/catalog'
import { type ChatDeps, chatRoutes, chatTopicRules, createChat } from './modules/chat'
import { healthRoutes, metricsRoutes, type ReadinessChecks } from './modules/health'
import { jobsRoutes, jobTopicRules, startJobs } from './modules/jobs'
import { createMailer, devMailRoutes, type Mailer } from './modules/mail'
import { HOLD_EXPIRY_CRON, holdExpiryJob, ORDER_JOB_KINDS, orderStepFromChat, orderTopicRules, ordersRoutes, type OrdersDeps } from './modules/orders'
import { LEDGER_JOB_KINDS, ledgerRoutes, RECONCILE_CRON, reconcileJob, reconciliationGauge } from './modules/ledger'
import { AUTO_RELEASE_CRON, autoReleaseJob, createSandboxProvider, escrowStep, type PaymentsDeps, refundCancelledItems, paymentsRoutes, processEventsJob, refundJob, type SandboxProvider } from './modules/payments'
import { keyFromSecret } from './lib/secret-box'
import { type DisputesDeps, disputesRoutes } from './modules/disputes'
import { expireReturnsJob, RETURN_EXPIRY_CRON, type ReturnsDeps, returnsRoutes } from './modules/returns'
import { endPlacementsJob, freePerks, PLACEMENT_END_CRON, placementsRoutes, PLAN_RENEWAL_CRON, planScheduleJob, type PlansDeps, plansRoutes } from './modules/plans'
import { reviewsRoutes } from './modules/reviews'
import { POST_MEDIA_BATCH_BYTES, socialFeedFanOut, socialRoutes, socialTopicRules } from './modules/social'
import { helpRoutes } from './modules/help'
import { createSettings, type PlatformSettings, settingsRoutes } from './modules/settings'
import { closeSolvedTicketsJob, type SupportDeps, supportRoutes, supportTopicRules, TICKET_CLOSE_CRON } from './modules/support'
import { type ShipmentsDeps, shipmentsRoutes } from './modules/shipments'
import { type ShopNoticeDeps, vendorsRoutes } from './modules/vendors'
import { DIGEST_CRON, type DigestDeps, digestJob, digestLinks, type NotificationsDeps, notificationsRoutes, notify } from './modules/notifications'
import { VIDEO_LIMITS } from './lib/video'
import { createRealtime, createRealtimeState, type Realtime, SOCKET_OPTIONS } from './realtime'
import { SOCKET_PATH_ITEM } from './realtime/openapi'
import { webPages } from './web'

/** Accounts' port to the audit log (accounts sits below audit, whose routes use its auth): an entry about the user's account. */
export const accountAudit: AccountAudit = (tx, { userId, ...entry }) => recordAudit(tx, { ...entry, subject: { type: 'user', id: userId } })

/** The tracked job kinds other modules run, registered with the jobs module (it adds its own). */
const JOB_KINDS = [...CATALOG_JOB_KINDS, ...ORDER_JOB_KINDS, ...ADMIN_USERS_JOB_KINDS, ...AUDIT_JOB_KINDS, ...LEDGER_JOB_KINDS, statsRollUp]
/** Tracked kinds of other modules that run on MAINTENANCE_CRON beside the jobs module's own. */
const SCHEDULED_JOB_KINDS = [statsRollUp]

function readinessChecks({ database, bus, queue }: Pick<Infrastructure, 'database' | 'bus' | 'queue'>): ReadinessChecks {
  const checks: ReadinessChecks = {
    database: async () => {
      await queryRows(database.db, sql`select 1 as one`)
    },
    migrations: async () => {
      const { expected, applied } = await migrationStatus(database.db)
      if (applied < expected) throw new Error(`${applied} of ${expected} migrations applied`)
    },
    queue: async () => {
      if (queue === null || !queue.started()) throw new Error('job queue not started')
    },
  }
  if (bus.kind === 'redis') checks.redis = () => bus.ping()
  return checks
}

/**
 * What the HTTP app and the job workers of one process share: one mailer (it tracks what it
 * queued), the notifications service that sends through it, orders (its hold expiry is a job),
 * payments (its webhooks, refunds and escrow releases are jobs) and the sandbox card provider.
 */
export interface Services {
  mailer: Mailer
  notifications: NotificationsDeps
  /** The email digest of unread notifications (its hourly job; tests run it with a moved clock). */
  digests: DigestDeps
  orders: OrdersDeps
  payments: PaymentsDeps
  sandbox: SandboxProvider
  shipments: ShipmentsDeps
  disputes: DisputesDeps
  returns: ReturnsDeps
  plans: PlansDeps
  /** The platform settings of this instance (cached; dropped on every instance when an admin changes one). */
  settings: PlatformSettings
}

type ServicesContext = Pick<Infrastructure, 'config' | 'database' | 'bus' | 'queue' | 'log' | 'clock'>

export function createServices(ctx: ServicesContext): Services {
  const mailer = createMailer({ db: ctx.database.db, clock: ctx.clock, log: ctx.log, smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom, queue: ctx.queue })
  const notifications: NotificationsDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, mailer, log: ctx.log }
  const { config } = ctx
  const digests: DigestDeps = { ...notifications, links: digestLinks(config) }
  // The settings admins change (commission, escrow auto-release, return window, smallest withdrawal), defaulting to config.money's.
  const settings = createSettings({ db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, config: config.money })
  const sandbox = createSandboxProvider({
    db: ctx.database.db,
    clock: ctx.clock,
    log: ctx.log,
    secret: config.secrets.PAYMENT_WEBHOOK_SECRET,
    webhookUrl: () => `${config.publicUrl}/api/v1/payments/webhooks/sandbox`,
    publicUrl: () => config.publicUrl,
    queue: ctx.queue,
  })
  // Money follows orders (escrow released on completion, refunded on cancellation): orders calls
  // payments inside each transition through its onTransition port, bound here to `payments`.
  const orders: OrdersDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    notify: (tx, input) => notify(notifications, tx, input),
    onTransition: (tx, step) => escrowStep(payments, tx, step),
    onItemsCancelled: (tx, refund) => refundCancelledItems(payments, tx, refund),
  }
  const payments: PaymentsDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    queue: ctx.queue,
    provider: sandbox.provider,
    orders,
    notify: (tx, input) => notify(notifications, tx, input),
    settings: config.money,
    readSettings: settings.read,
    payoutKey: keyFromSecret(config.secrets.PAYOUT_DETAILS_KEY),
    publicUrl: config.publicUrl,
  }
  const shipments: ShipmentsDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    orders,
    notify: (tx, input) => notify(notifications, tx, input),
    carrierSecret: config.secrets.CARRIER_WEBHOOK_SECRET,
  }
  const disputes: DisputesDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    orders,
    payments,
    notify: (tx, input) => notify(notifications, tx, input),
    respondDays: config.money.disputeRespondDays,
  }
  const returns: ReturnsDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    orders,
    payments,
    disputes,
    notify: (tx, input) => notify(notifications, tx, input),
    readSettings: settings.read,
  }
  const plans: PlansDeps = {
    db: ctx.database.db,
    bus: ctx.bus,
    clock: ctx.clock,
    log: ctx.log,
    mailer,
    notify: (tx, input) => notify(notifications, tx, input),
    readSettings: settings.read,
    platformSeller: config.money.seller,
    publicUrl: config.publicUrl,
  }
  return { mailer, notifications, digests, orders, payments, sandbox, shipments, disputes, returns, plans, settings }
}

/**
 * Registers every job kind with the queue (with workers, unless the queue is web-only) and the
 * cron schedules. Once per process, after startQueue.
 */
export async function startJobKinds(ctx: ServicesContext & { queue: Queue }, services: Services): Promise<void> {
  await ctx.queue.register(services.mailer.job)
  const holds = holdExpiryJob(services.orders)
  await ctx.queue.register(holds)
  await ctx.queue.schedule(holds, HOLD_EXPIRY_CRON)
  const reconciliation = reconcileJob({ db: ctx.database.db, log: ctx.log, clock: ctx.clock })
  await ctx.queue.register(reconciliation)
  await ctx.queue.schedule(reconciliation, RECONCILE_CRON)
  const releases = autoReleaseJob(services.payments)
  await ctx.queue.register(releases)
  await ctx.queue.schedule(releases, AUTO_RELEASE_CRON)
  const unsent = expireReturnsJob(services.returns)
  await ctx.queue.register(unsent)
  await ctx.queue.schedule(unsent, RETURN_EXPIRY_CRON)
  const renewals = planScheduleJob(services.plans)
  await ctx.queue.register(renewals)
  await ctx.queue.schedule(renewals, PLAN_RENEWAL_CRON)
  const placementEnds = endPlacementsJob({ db: ctx.database.db, bus: ctx.bus, clock: ctx.clock })
  await ctx.queue.register(placementEnds)
  await ctx.queue.schedule(placementEnds, PLACEMENT_END_CRON)
  const digests = digestJob(services.digests)
  await ctx.queue.register(digests)
  await ctx.queue.schedule(digests, DIGEST_CRON)
  const solved = closeSolvedTicketsJob({ db: ctx.database.db, bus: ctx.bus, clock: ctx.clock, log: ctx.log })
  await ctx.queue.register(solved)
  await ctx.queue.schedule(solved, TICKET_CLOSE_CRON)
  await ctx.queue.register(processEventsJob(services.payments))
  await ctx.queue.register(refundJob(services.payments))
  await ctx.queue.register(services.sandbox.deliveryJob)
  await startJobs(ctx, JOB_KINDS, SCHEDULED_JOB_KINDS)
}

type OperationsContext = Pick<Infrastructure, 'config' | 'database' | 'bus' | 'queue' | 'log' | 'metrics'>

/**
 * Request ids, errors, the access log and request metrics (the first plugin of an app); binds the
 * app's metrics to its database, bus and queue, which starts the slow-query log. Once per app.
 */
function operations(ctx: OperationsContext) {
  const { config, database, bus, queue, log, metrics } = ctx
  metrics.observe({ database, bus, queue, log, slowQueryMs: config.slowQueryMs })
  metrics.gauge(reconciliationGauge(database.db))
  return httpBasics(log, { slowRequestMs: config.slowRequestMs, metrics })
}

/** Health, readiness and metrics only: what a worker-only process serves on its port. */
export function createHealthApp(ctx: OperationsContext) {
  return new Elysia().use(operations(ctx)).use(securityHeaders(ctx.config)).use(healthRoutes(readinessChecks(ctx))).use(metricsRoutes(ctx))
}

/**
 * The largest request body Bun reads at all: the largest upload (a batch of post photos; a video)
 * and its form overhead. Routes refuse smaller bodies themselves, in the error shape; past this Bun
 * answers a bare 413.
 */
export const MAX_REQUEST_BODY = Math.max(VIDEO_LIMITS.maxBytes, POST_MEDIA_BATCH_BYTES) + 1024 * 1024

/** What one serving process runs: the HTTP app (with the socket) and its realtime core, closed on stop. */
export interface Souk {
  app: App
  realtime: Realtime
}

/** Builds the serving side of one process from its infrastructure; main.ts and tests alike. */
export function createApp(infra: Infrastructure, services: Services = createServices(infra)): Souk {
  const { db } = infra.database
  const state = createRealtimeState(infra)
  const chat = createChat({
    db,
    bus: infra.bus,
    clock: infra.clock,
    log: infra.log,
    notify: (tx, input) => notify(services.notifications, tx, input),
    isViewing: state.isViewing,
    // The seller confirming a sale in the chat accepts the buyer's placed order of that product.
    onTransactionStep: (tx, step) => orderStepFromChat(services.orders, tx, step),
  })
  const realtime = createRealtime({
    ...infra,
    state,
    services: { chat },
    topicRules: { ...jobTopicRules(db), ...chatTopicRules(db), ...orderTopicRules(db), ...supportTopicRules(db), ...adminQueueTopicRules(), ...socialTopicRules(db) },
    // A new post reaches the online followers on each instance, from one bus message.
    fanOuts: [socialFeedFanOut(infra)],
  })
  // Support asks realtime whether a requester has their ticket open (then nobody mails them).
  const support: SupportDeps = {
    db,
    bus: infra.bus,
    clock: infra.clock,
    log: infra.log,
    limiter: infra.limiter,
    mailer: services.mailer,
    publicUrl: infra.config.publicUrl,
    linkSecret: infra.config.secrets.TICKET_LINK_SECRET,
    notify: (tx, input) => notify(services.notifications, tx, input),
    isViewing: state.isViewing,
  }
  return { app: routes(infra, { ...services, chat, realtime, support }), realtime }
}

/** The help assistant's: a language model when ASSISTANT_MODEL_URL is set (else the built-in answers), support for the hand-off, returns' windows. */
function assistantDeps(infra: Infrastructure, support: SupportDeps, returns: ReturnsDeps): AssistantDeps {
  const { model } = infra.config.assistant
  return {
    db: infra.database.db,
    bus: infra.bus,
    clock: infra.clock,
    log: infra.log,
    ephemeral: infra.ephemeral,
    model: model === null ? null : chatCompletionsModel(model),
    support,
    returns,
  }
}

/** Every route, from the module plugins, in the order they apply. */
function routes(infra: Infrastructure, { mailer, notifications, chat, orders, payments, sandbox, shipments, disputes, returns, plans, settings, realtime, support }: Services & { chat: ChatDeps; realtime: Realtime; support: SupportDeps }) {
  // A decision on a shop (vendors', or a report's suspension in catalog) tells its owner.
  const shopNotices: ShopNoticeDeps = { notify: (tx, input) => notify(notifications, tx, input), mailer, publicUrl: infra.config.publicUrl }
  // Bun takes WebSocket and body limits from the server, so they are set here on the root.
  return new Elysia({ websocket: SOCKET_OPTIONS, serve: { maxRequestBodySize: MAX_REQUEST_BODY } })
    .use(operations(infra))
    // Before the routes: it checks each request's body type against its route's body schema.
    .use(bodyGuard)
    .use(securityHeaders(infra.config))
    .use(
      apiDocs({
        info: { title: 'Souk API', version: '1', description: 'REST API of the Souk marketplace. Errors share one shape: { error: { type, message, details?, requestId } }.' },
        serverUrl: infra.config.publicUrl,
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        paths: { '/ws': SOCKET_PATH_ITEM },
      }),
    )
    .use(healthRoutes(readinessChecks(infra)))
    .use(metricsRoutes(infra))
    .use(accountsRoutes({ ...infra, mailer, notify: (tx, notice) => notify(notifications, tx, { ...notice, type: 'system' }), audit: accountAudit }))
    .use(notificationsRoutes({ deps: notifications, config: infra.config }))
    .use(realtime.routes)
    .use(
      infra.config.env === 'production'
        ? // Typed as if mounted, so the development mailbox page reaches it through the typed client;
          // that page calls it only when the boot data says it exists (never in production).
          (new Elysia({ name: 'dev-mail-off' }) as unknown as ReturnType<typeof devMailRoutes>)
        : devMailRoutes({ db: infra.database.db, mailer }),
    )
    // New shops start with the free plan's perks.
    .use(vendorsRoutes({ ...infra, defaultPerks: freePerks, notices: shopNotices }))
    .use(catalogRoutes({ ...infra, notices: shopNotices }))
    .use(jobsRoutes(infra, JOB_KINDS))
    .use(chatRoutes({ ...infra, deps: chat }))
    .use(cartRoutes(infra))
    .use(addressesRoutes(infra))
    .use(ordersRoutes({ ...infra, deps: orders }))
    .use(ledgerRoutes(infra))
    .use(paymentsRoutes({ ...infra, deps: payments }))
    .use(sandbox.routes)
    .use(shipmentsRoutes({ ...infra, deps: shipments }))
    .use(disputesRoutes({ ...infra, deps: disputes }))
    .use(returnsRoutes({ ...infra, deps: returns }))
    .use(plansRoutes({ ...infra, deps: plans }))
    .use(placementsRoutes({ ...infra, deps: plans }))
    .use(auditRoutes(infra))
    .use(adminUsersRoutes({ ...infra, mailer }))
    .use(adminQueuesRoutes(infra))
    .use(adminStatsRoutes(infra))
    .use(settingsRoutes({ ...infra, settings }))
    .use(supportRoutes({ ...infra, deps: support }))
    // The help centre and its assistant as one plugin: one more `.use` on this chain is past
    // what TypeScript instantiates (TS2589 on the App type).
    .use(new Elysia({ name: 'help-and-assistant' }).use(helpRoutes(infra)).use(assistantRoutes({ ...infra, deps: assistantDeps(infra, support, returns) })))
    .use(reviewsRoutes({ ...infra, deps: { db: infra.database.db, bus: infra.bus, clock: infra.clock, log: infra.log, notify: (tx, input) => notify(notifications, tx, input), windowDays: infra.config.reviewWindowDays } }))
    .use(socialRoutes({ ...infra, notify: (tx, input) => notify(notifications, tx, input) }))
    .use(webPages(infra))
}

export type App = ReturnType<typeof routes>

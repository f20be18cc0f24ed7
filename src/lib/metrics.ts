import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Database } from '../db/client'
import type { Queue } from '../jobs/queue'
import type { Bus } from './bus'
import type { Logger } from './log'

/** Seconds, 0.5 ms to 10 s: requests, queries, bus delivery. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Seconds, 10 ms to 15 min (the default job expiry). */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900]
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
/** SQL text in a slow-query line is cut here. */
const MAX_SQL_CHARS = 2_000

/**
 * Metric children by label value, made on first use, so recording is Map lookups on strings that
 * already exist: no label object, argument list or key string is built per call on our side
 * (prom-client's child still hashes its fixed labels inside observe). Only bounded label values
 * may reach it: route patterns, protocol types, job kinds, never raw paths or ids.
 */
function childrenOf<K, C>(make: (key: K) => C): (key: K) => C {
  const made = new Map<K, C>()
  return (key) => {
    let child = made.get(key)
    if (child === undefined) made.set(key, (child = make(key)))
    return child
  }
}

let processRegistry: Registry | null = null

/**
 * Event-loop lag, memory, CPU, handles, GC: facts of the process, so collected once however many
 * apps it builds (tests build many), and appended to every app's scrape.
 */
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** What `observe` reads at scrape time and listens to. */
export interface MetricSources {
  database: Pick<Database, 'queries'>
  bus: Pick<Bus, 'ping'>
  queue: Pick<Queue, 'depth'> | null
  log: Logger
  /** Queries slower than this are logged at warn with their SQL text (never parameter values). */
  slowQueryMs: number
}

/**
 * The Prometheus families of one Souk instance, in its own Registry (never prom-client's global
 * one, so several apps in one process keep their own counts). Built beside the logger and handed
 * to what it measures; `observe` binds the database, bus and queue once they exist.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly contentType = this.registry.contentType

  private readonly http = new Histogram({
    name: 'souk_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: time from arrival to the response sent',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })
  private readonly httpChild = childrenOf((method: string) =>
    childrenOf((route: string) => childrenOf((status: number) => this.http.labels(method, route, String(status)))),
  )

  private readonly sockets = new Gauge({ name: 'souk_ws_connections', help: 'WebSocket connections open on this instance', registers: [this.registry] })
  private readonly wsIn = new Counter({
    name: 'souk_ws_messages_received_total',
    help: 'WebSocket messages received, by type (invalid: not a known, well-formed message)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  })
  private readonly wsInChild = childrenOf((type: string) => this.wsIn.labels(type))
  private readonly wsOut = new Counter({
    name: 'souk_ws_messages_sent_total',
    help: 'WebSocket messages sent, by type (a published event counts once per receiving socket)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  })
  private readonly wsOutChild = childrenOf((type: string) => this.wsOut.labels(type))

  private readonly delivery = new Histogram({
    name: 'souk_bus_delivery_seconds',
    help: "Time from a bus publish (on any instance) to this instance's server.publish to its sockets, by topic family",
    labelNames: ['family'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })
  private readonly deliveryChild = childrenOf((family: string) => this.delivery.labels(family))

  private readonly jobs = new Histogram({
    name: 'souk_job_duration_seconds',
    help: 'Job runs on this instance by kind and outcome (done or failed)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  })
  private readonly jobChild = childrenOf((kind: string) => childrenOf((outcome: 'done' | 'failed') => this.jobs.labels(kind, outcome)))

  private readonly queries = new Histogram({
    name: 'souk_db_query_duration_seconds',
    help: 'Database queries of the app (the job queue has its own pool): time from sent to settled, connection wait included',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })

  /** Records one HTTP request; `route` is the route pattern (`/api/v1/products/:id`), never the raw path. */
  request(method: string, route: string, status: number, seconds: number): void {
    this.httpChild(METHODS.has(method) ? method : 'OTHER')(route)(status).observe(seconds)
  }

  socketOpened(): void {
    this.sockets.inc()
  }

  socketClosed(): void {
    this.sockets.dec()
  }

  /** A message from a socket: its protocol type, or `invalid`. */
  received(type: string): void {
    this.wsInChild(type).inc()
  }

  /** Messages of one protocol type sent (`count` sockets reached by one publish). */
  sent(type: string, count = 1): void {
    this.wsOutChild(type).inc(count)
  }

  /**
   * The publish-to-delivery recorder of one topic (`conversation:…` → family `conversation`), made
   * when its feed opens so that each delivery only observes (seconds).
   */
  deliveryOf(topic: string): (seconds: number) => void {
    const child = this.deliveryChild(topic.includes(':') ? topic.slice(0, topic.indexOf(':')) : topic)
    return (seconds) => child.observe(Math.max(seconds, 0))
  }

  jobFinished(kind: string, outcome: 'done' | 'failed', seconds: number): void {
    this.jobChild(kind)(outcome).observe(seconds)
  }

  /**
   * Binds what is read at scrape time (database pool use, bus round trip, queue depth) and
   * listens to every query: its duration, and a warn line when slower than `slowQueryMs`.
   */
  observe({ database, bus, queue, log, slowQueryMs }: MetricSources): void {
    const watch = database.queries
    new Gauge({
      name: 'souk_db_pool_size',
      help: 'Connections the app may hold (1 on PGlite)',
      registers: [this.registry],
      collect() {
        this.set(watch.poolSize)
      },
    })
    new Gauge({
      name: 'souk_db_queries_in_flight',
      help: 'Queries sent and not yet settled, waiting for a connection included (compare with souk_db_pool_size)',
      registers: [this.registry],
      collect() {
        this.set(watch.inFlight)
      },
    })
    const queries = this.queries
    const slowSeconds = slowQueryMs / 1000
    watch.listen((text, seconds) => {
      queries.observe(seconds)
      if (seconds > slowSeconds) log.warn('slow query', { ms: Math.round(seconds * 10_000) / 10, sql: text.slice(0, MAX_SQL_CHARS) })
    })
    new Gauge({
      name: 'souk_bus_round_trip_seconds',
      help: 'One PING to the bus (Redis; in-process when there is none), measured at scrape; NaN when it failed',
      registers: [this.registry],
      // ioredis fails a command after one reconnect try (maxRetriesPerRequest: 1), so a scrape
      // waits at most a couple of seconds on a Redis that is down.
      async collect() {
        const started = performance.now()
        const ok = await bus.ping().then(
          () => true,
          () => false,
        )
        this.set(ok ? (performance.now() - started) / 1000 : Number.NaN)
      },
    })
    new Gauge({
      name: 'souk_job_queue_depth',
      help: "Jobs per kind and state (ready, deferred, active, failed, dead), as of the queue's last monitor pass",
      labelNames: ['kind', 'state'] as const,
      registers: [this.registry],
      async collect() {
        if (queue === null) return
        this.reset()
        for (const { kind, ...states } of await queue.depth()) {
          for (const [state, count] of Object.entries(states)) this.labels(kind, state).set(count)
        }
      },
    })
  }

  /**
   * A gauge a module defines (its name, help and how to read it at scrape time), e.g. the ledger's
   * reconciliation mismatches: alerting reads it like any other family.
   */
  gauge(family: { name: string; help: string; read: () => Promise<number> }): void {
    new Gauge({
      name: family.name,
      help: family.help,
      registers: [this.registry],
      async collect() {
        this.set(await family.read())
      },
    })
  }

  /** The exposition text: this instance's families, then the process's. */
  async scrape(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()])
    return `${own}\n${process}`
  }
}

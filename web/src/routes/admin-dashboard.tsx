import { A } from '@solidjs/router'
import { batch, createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { EmptyState, Skeleton } from '../components/feedback'
import { SelectField, TextField } from '../components/field'
import { LineChart } from '../components/line-chart'
import { toastError } from '../components/toast'
import { type AdminLive, type AdminStats, FIGURE_TEXT, type Figure, getAdminLive, getAdminStats, type Granularity } from '../lib/admin-stats'
import { formatPrice } from '../lib/catalog'
import { PageMeta } from '../lib/head'
import { rereading, serialReads, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'

const PRESETS = [
  { id: 'today', label: 'Today', days: 1 },
  { id: '7', label: '7 days', days: 7 },
  { id: '30', label: '30 days', days: 30 },
  { id: '90', label: '90 days', days: 90 },
  { id: 'custom', label: 'Custom', days: 0 },
] as const
type Preset = (typeof PRESETS)[number]['id']

const DAY_MS = 86_400_000
/** How often the live strip and a range ending today are read again without an event. */
const LIVE_REREAD_MS = 30_000
const RANGE_REREAD_MS = 60_000
const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10)
const dayText = (day: Date) => day.toISOString().slice(0, 10)

/** The change against the previous range, in words. */
function change(now: number, before: number): { text: string; trend: 'up' | 'down' | 'flat' } {
  if (now === before) return { text: 'no change', trend: 'flat' }
  if (before === 0) return { text: 'new', trend: 'up' }
  const pct = Math.round(((now - before) / Math.abs(before)) * 100)
  return { text: `${pct > 0 ? '+' : ''}${pct} %`, trend: now > before ? 'up' : 'down' }
}

/**
 * The live strip: orders, sign-ups and messages of the last minutes, read again on each
 * `stats.moved` on `admin:stats`; `onMoved` hears of each too (an order moves today's figures).
 */
function LiveStrip(props: { onMoved: (what: string) => void }) {
  const [live, setLive] = createSignal<AdminLive | null>(null)
  const read = serialReads(async () => {
    try {
      setLive(await getAdminLive())
    } catch (error) {
      toastError(error, 'Could not read the live figures')
    }
  })
  const isAdmin = () => currentUser()?.role === 'admin'
  useTopic<'admin'>(() => (isAdmin() ? 'admin:stats' : null), {
    onEvent: (event) => {
      void read()
      if (event.kind === 'stats.moved') props.onMoved(event.data.what)
    },
    ...rereading(() => void read()),
  })
  createEffect(() => {
    if (!isAdmin()) return
    void read()
    // The window slides: what left it drops out even when nothing new happens.
    const timer = setInterval(() => void read(), LIVE_REREAD_MS)
    onCleanup(() => clearInterval(timer))
  })
  return (
    <section class="card card__body" aria-labelledby="live-heading">
      <h2 id="live-heading" class="section-title">
        Live <span class="muted">— the last {live()?.minutes ?? 15} minutes</span>
      </h2>
      <Show when={live()} fallback={<Skeleton height="56px" />}>
        {(l) => (
          <dl class="stat-row" data-testid="live-strip" style={{ 'grid-template-columns': 'repeat(3, 1fr)' }}>
            <div>
              <dt>Orders</dt>
              <dd data-testid="live-orders">{l().orders}</dd>
            </div>
            <div>
              <dt>Sign-ups</dt>
              <dd data-testid="live-sign-ups">{l().signUps}</dd>
            </div>
            <div>
              <dt>Messages</dt>
              <dd data-testid="live-messages">{l().messages}</dd>
            </div>
          </dl>
        )}
      </Show>
    </section>
  )
}

function Dashboard() {
  const today = () => utcDay(Date.now())
  const [preset, setPreset] = createSignal<Preset>('30')
  const [from, setFrom] = createSignal(utcDay(Date.now() - 29 * DAY_MS))
  const [to, setTo] = createSignal(today())
  const [granularity, setGranularity] = createSignal<Granularity>('day')
  const [currency, setCurrency] = createSignal<string | undefined>(undefined)
  const [stats, setStats] = createSignal<AdminStats | null>(null)
  const [error, setError] = createSignal<string | null>(null)

  /** A preset's days, ending today (again after midnight, on the next tick). */
  const choose = (id: Preset) =>
    batch(() => {
      setPreset(id)
      const days = PRESETS.find((p) => p.id === id)!.days
      if (days === 0) return
      setTo(today())
      setFrom(utcDay(Date.now() - (days - 1) * DAY_MS))
    })

  // Reads never overlap; one asked for during a read runs after it, with the filters of then.
  const load = serialReads(async () => {
    try {
      setStats(await getAdminStats({ from: from(), to: to(), granularity: granularity(), ...(currency() === undefined ? {} : { currency: currency() }) }))
      setError(null)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not read the figures')
    }
  })
  createEffect(on([from, to, granularity, currency], () => void load()))
  // Today's figures are counted as the page asks: a range ending today is read again each minute.
  createEffect(
    on(
      () => stats()?.live === true,
      (live) => {
        if (!live) return
        const timer = setInterval(() => {
          if (preset() !== 'custom') choose(preset())
          void load()
        }, RANGE_REREAD_MS)
        onCleanup(() => clearInterval(timer))
      },
    ),
  )

  const format = (figure: Figure, value: number) => {
    const unit = FIGURE_TEXT[figure].unit
    if (unit === 'money') return formatPrice(value, stats()?.currency ?? 'MAD')
    if (unit === 'rate') return `${(value / 100).toFixed(2)} %`
    return value.toLocaleString('en')
  }

  return (
    <div class="dashboard">
      {/* An order or a sign-up moves today's figures: a range ending today is read again (messages wait for the minute). */}
      <LiveStrip onMoved={(what) => what !== 'message' && stats()?.live === true && void load()} />
      <section class="card card__body" aria-labelledby="range-heading">
        <h2 id="range-heading" class="visually-hidden">
          Range
        </h2>
        <div class="row" style={{ 'flex-wrap': 'wrap', 'align-items': 'flex-end', gap: '12px' }}>
          <div class="segmented" role="group" aria-label="Range">
            <For each={PRESETS}>
              {(p) => (
                <button type="button" class="segmented__item" aria-pressed={preset() === p.id} onClick={() => choose(p.id)}>
                  {p.label}
                </button>
              )}
            </For>
          </div>
          <Show when={preset() === 'custom'}>
            <TextField label="From" type="date" value={from()} max={to()} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextField label="To" type="date" value={to()} min={from()} max={today()} onChange={(e) => setTo(e.currentTarget.value)} />
          </Show>
          <SelectField
            label="Each point"
            value={granularity()}
            options={[
              { value: 'day', label: 'a day' },
              { value: 'week', label: 'a week' },
              { value: 'month', label: 'a month' },
            ]}
            onChange={(e) => setGranularity(e.currentTarget.value as Granularity)}
          />
          <Show when={(stats()?.currencies.length ?? 0) > 1}>
            <SelectField label="Currency" value={stats()!.currency} options={stats()!.currencies.map((c) => ({ value: c, label: c }))} onChange={(e) => setCurrency(e.currentTarget.value)} />
          </Show>
        </div>
        <Show when={error()}>{(message) => <p class="field__error" role="alert">{message()}</p>}</Show>
      </section>
      <Show when={stats()} fallback={<Skeleton height="320px" />}>
        {(s) => (
          <>
            <p class="muted">
              {dayText(s().from)} to {dayText(s().to)}, against {dayText(s().previousFrom)} to {dayText(s().previousTo)}. {s().live ? 'Today is counted live; earlier days come from the nightly roll-up.' : 'From the nightly roll-up.'}
            </p>
            <ul class="figure-grid" aria-label="Figures">
              <For each={Object.keys(FIGURE_TEXT) as Figure[]}>
                {(figure) => {
                  const delta = () => change(s().current[figure], s().previous[figure])
                  return (
                    <li class="card card__body figure" data-figure={figure}>
                      <h3 class="figure__label">{FIGURE_TEXT[figure].label}</h3>
                      <p class="figure__value">{format(figure, s().current[figure])}</p>
                      <p class={`figure__change figure__change--${delta().trend === 'flat' ? 'flat' : (delta().trend === 'up') === (FIGURE_TEXT[figure].better !== 'lower') ? 'good' : 'bad'}`}>
                        {delta().text} <span class="muted">(was {format(figure, s().previous[figure])})</span>
                      </p>
                      <LineChart label={`${FIGURE_TEXT[figure].label} over time`} points={s().series.map((p) => ({ x: dayText(p.start), y: p.values[figure] }))} format={(y) => format(figure, y)} />
                    </li>
                  )
                }}
              </For>
            </ul>
            <div class="dashboard-tops">
              <section class="card card__body" aria-labelledby="top-shops">
                <h2 id="top-shops" class="section-title">
                  Top shops
                </h2>
                <Show when={s().topShops.length > 0} fallback={<EmptyState icon="store" title="No sales in this range" headingLevel={3}>
                      Shops appear here once an order of theirs is paid.
                    </EmptyState>}>
                  <ol class="top-list">
                    <For each={s().topShops}>
                      {(shop) => (
                        <li>
                          <A href={`/shops/${shop.slug}`}>{shop.name}</A> <span>{formatPrice(shop.gmvMinor, s().currency)}</span>
                        </li>
                      )}
                    </For>
                  </ol>
                </Show>
              </section>
              <section class="card card__body" aria-labelledby="top-categories">
                <h2 id="top-categories" class="section-title">
                  Top categories
                </h2>
                <Show when={s().topCategories.length > 0} fallback={<EmptyState icon="tag" title="No sales in this range" headingLevel={3}>
                      Categories appear here once an item of theirs sells.
                    </EmptyState>}>
                  <ol class="top-list">
                    <For each={s().topCategories}>
                      {(category) => (
                        <li>
                          {category.name} <span>{formatPrice(category.salesMinor, s().currency)}</span>
                        </li>
                      )}
                    </For>
                  </ol>
                </Show>
              </section>
            </div>
          </>
        )}
      </Show>
    </div>
  )
}

export default function AdminDashboard() {
  return (
    <>
      <PageMeta title="Dashboard" description="The marketplace’s figures." noindex />
      <div class="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>
            The marketplace’s health: sales, money, people and activity. <A href="/admin">Back to the admin console</A>
          </p>
        </div>
      </div>
      <SignedIn role="admin">
        <Dashboard />
      </SignedIn>
    </>
  )
}

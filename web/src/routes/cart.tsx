import { A } from '@solidjs/router'
import { createMemo, createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { type CartProblem, MAX_CART_QUANTITY } from '../../../src/modules/cart/rules'
import { Button, ButtonLink } from '../components/button'
import { Badge, Callout, EmptyState, Loading } from '../components/feedback'
import { Icon } from '../components/icons'
import { Img } from '../components/media'
import { toast, toastError } from '../components/toast'
import { api, must } from '../lib/api'
import { cartCount, cartSettled, noteCartCount } from '../lib/cart'
import type { Cart } from '../lib/cart-store'
import { formatPrice } from '../lib/catalog'
import { PageMeta } from '../lib/head'
import { myTopic, rereading, useTopic } from '../lib/live'
import { withNext } from '../lib/next'
import { sessionStatus } from '../lib/session'

type Line = Cart['lines'][number]

const PROBLEMS: Record<CartProblem, { tone: 'warning' | 'danger'; text: (line: Line) => string }> = {
  own_listing: { tone: 'warning', text: () => 'Your own listing' },
  unavailable: { tone: 'danger', text: () => 'No longer for sale' },
  sold_out: { tone: 'danger', text: () => 'Sold out' },
  short: { tone: 'warning', text: (line) => `Only ${line.product.stock} left` },
}

/** What the lines that can be bought now come to, per currency (one cart may hold several). */
function totalsOf(lines: Line[]): { currency: string; items: number; minor: number }[] {
  const totals = new Map<string, { currency: string; items: number; minor: number }>()
  for (const line of lines) {
    if (!line.buyable) continue
    const total = totals.get(line.product.currency) ?? { currency: line.product.currency, items: 0, minor: 0 }
    total.items += line.quantity
    total.minor += line.quantity * line.product.priceMinor
    totals.set(total.currency, total)
  }
  return [...totals.values()]
}

const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`

/** One line: the product as it is now (live on `product:<id>`), its quantity stepper and Remove. */
function CartLine(props: { line: Line; busy: boolean; onQuantity: (quantity: number) => void; onRemove: () => void; onProductChange: () => void }) {
  const l = () => props.line
  // Live from the moment the topic is (a change just before is in the reread it triggers).
  useTopic(() => `product:${props.line.productId}`, { onEvent: () => props.onProductChange(), ...rereading(() => props.onProductChange()) })
  const max = () => Math.min(l().product.stock, MAX_CART_QUANTITY)
  const href = () => `/products/${l().product.slug}`
  return (
    <li class="cart-line">
      <A href={href()} class="cart-line__image" tabindex="-1" aria-hidden="true">
        <Img src={l().product.imageUrl} alt="" width={72} height={72} />
      </A>
      <div class="cart-line__text">
        <A href={href()} class="text-strong">
          {l().product.title}
        </A>
        <span class="muted">
          Sold by <A href={`/vendors/${l().shop.slug}`}>{l().shop.name}</A>
        </span>
        <Show when={l().problem}>{(problem) => <Badge tone={PROBLEMS[problem()].tone}>{PROBLEMS[problem()].text(l())}</Badge>}</Show>
      </div>
      <div class="cart-line__price">
        <strong>{formatPrice(l().product.priceMinor, l().product.currency)}</strong>
        <Show when={l().priceChanged}>
          <span class="muted">was {formatPrice(l().priceSeenMinor, l().product.currency)}</span>
        </Show>
      </div>
      <div class="cart-line__actions">
        <div class="stepper" role="group" aria-label={`Quantity of ${l().product.title}`}>
          <Button size="sm" variant="ghost" aria-label={`One fewer ${l().product.title}`} disabled={props.busy || l().quantity <= 1} onClick={() => props.onQuantity(l().quantity - 1)}>
            −
          </Button>
          <output aria-live="polite">{l().quantity}</output>
          <Button size="sm" variant="ghost" aria-label={`One more ${l().product.title}`} disabled={props.busy || l().quantity >= max()} onClick={() => props.onQuantity(l().quantity + 1)}>
            +
          </Button>
        </div>
        <Button size="sm" variant="ghost" aria-label={`Remove ${l().product.title}`} disabled={props.busy} onClick={() => props.onRemove()}>
          <Icon name="trash" /> Remove
        </Button>
      </div>
    </li>
  )
}

/**
 * My cart, kept current: reread after each change of mine, each `cart` event (another tab) and
 * each live change of a product in it (price, stock, status), so what it says can be bought, and
 * at what price, is what the server says now. Products' events are not replayed: each topic
 * rereads once it is live, so a change made before is not missed.
 */
function CartView() {
  const [state, setState] = createStore<{ cart: Cart | null; failed: boolean }>({ cart: null, failed: false })
  const [busy, setBusy] = createSignal(false)
  // Only the answer to the latest request is shown: an older one that arrives late is stale.
  let asked = 0
  const show = async (request: () => Promise<Cart>, failure: string) => {
    const mine = ++asked
    try {
      const cart = await request()
      if (mine !== asked) return
      setState('cart', reconcile(cart, { key: 'productId' }))
      setState('failed', false)
      noteCartCount(cart.count)
    } catch (error) {
      if (state.cart === null) setState('failed', true)
      toastError(error, failure)
    }
  }
  const reload = () =>
    show(async () => {
      await cartSettled()
      return must(await api().api.v1.cart.get())
    }, 'Could not load your cart')
  // Events and subscriptions of many lines at once make one reread.
  let pending = false
  const reloadSoon = () => {
    if (pending) return
    pending = true
    setTimeout(() => {
      pending = false
      void reload()
    })
  }
  const change = async (request: () => Promise<Cart>, failure: string) => {
    setBusy(true)
    await show(request, failure)
    setBusy(false)
  }

  useTopic(myTopic, { onEvent: (event) => event.kind === 'cart' && reloadSoon(), ...rereading(reloadSoon) })
  onMount(() => void reload())

  const lines = () => state.cart?.lines ?? []
  const totals = createMemo(() => totalsOf(lines()))
  const blocked = () => lines().filter((line) => !line.buyable).length
  return (
    <Switch>
      <Match when={state.failed}>
        <div class="card">
          <EmptyState icon="alert" title="Your cart did not load" actions={<Button onClick={() => void reload()}>Try again</Button>}>
            Check your connection and try again.
          </EmptyState>
        </div>
      </Match>
      <Match when={state.cart === null}>
        <Loading class="card card__body stack" label="Loading your cart" height="72px" />
      </Match>
      <Match when={lines().length === 0}>
        <div class="card">
          <EmptyState icon="bag" title="Your cart is empty" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
            Press “Add to cart” on a product to keep it here.
          </EmptyState>
        </div>
      </Match>
      <Match when={lines().length > 0}>
        <div class="order-layout">
          <section class="card card__body stack" aria-labelledby="cart-items-heading">
            <div class="row row--between">
              <h2 id="cart-items-heading" class="section-title">
                {items(state.cart?.count ?? 0)}
              </h2>
              <Button size="sm" variant="ghost" disabled={busy()} onClick={() => void change(async () => must(await api().api.v1.cart.delete()), 'Could not empty your cart')}>
                Empty cart
              </Button>
            </div>
            <Show when={lines().some((line) => line.priceChanged)}>
              <Callout>Some prices changed since you added the items: the checkout charges today’s price.</Callout>
            </Show>
            <ul class="cart-lines" aria-label="Items in your cart">
              <For each={lines()}>
                {(line) => (
                  <CartLine
                    line={line}
                    busy={busy()}
                    onQuantity={(quantity) => void change(async () => must(await api().api.v1.cart.items({ productId: line.productId }).put({ quantity })), 'Could not change the quantity')}
                    onRemove={() =>
                      void change(async () => {
                        const cart = must(await api().api.v1.cart.items({ productId: line.productId }).delete())
                        toast(`${line.product.title} is out of your cart.`, 'success')
                        return cart
                      }, 'Could not remove it')
                    }
                    onProductChange={reloadSoon}
                  />
                )}
              </For>
            </ul>
          </section>
          <aside class="card card__body stack" aria-labelledby="cart-summary-heading">
            <h2 id="cart-summary-heading" class="section-title">
              Summary
            </h2>
            <For each={totals()} fallback={<p class="muted">Nothing in your cart can be bought right now.</p>}>
              {(total) => (
                <dl class="order-totals">
                  <div>
                    <dt>Items</dt>
                    <dd>{items(total.items)}</dd>
                  </div>
                  <div class="order-totals__total">
                    <dt>Total ({total.currency})</dt>
                    <dd data-testid="cart-total">{formatPrice(total.minor, total.currency)}</dd>
                  </div>
                </dl>
              )}
            </For>
            <Show when={blocked() > 0}>
              <p class="muted">{items(blocked())} that cannot be bought now are left out.</p>
            </Show>
            <p class="muted">TVA included. Delivery is chosen per shop at checkout.</p>
            <Show when={totals().length > 0}>
              <ButtonLink variant="primary" size="lg" block href="/checkout">
                Checkout
              </ButtonLink>
            </Show>
          </aside>
        </div>
      </Match>
    </Switch>
  )
}

/** A visitor's cart is kept in this browser until they sign in: it then joins their account's. */
function GuestCart() {
  return (
    <div class="card">
      <EmptyState
        icon="bag"
        title={cartCount() > 0 ? `${items(cartCount())} saved in this browser` : 'Your cart is empty'}
        actions={
          <>
            <ButtonLink variant="primary" href={withNext('/signin', '/cart')}>
              Sign in
            </ButtonLink>
            <ButtonLink href={withNext('/signup', '/cart')}>Create an account</ButtonLink>
          </>
        }
      >
        Sign in or create an account to see your cart and check out: what you added joins it.
      </EmptyState>
    </div>
  )
}

export default function CartPage() {
  return (
    <>
      <PageMeta title="Your cart" description="The products you are about to buy on Souk." noindex />
      <div class="page-header">
        <div>
          <h1>Your cart</h1>
          <p>Prices and stock are as they are now; the checkout splits your order per shop.</p>
        </div>
      </div>
      <Switch>
        <Match when={sessionStatus() === 'signed-in'}>
          <CartView />
        </Match>
        <Match when={sessionStatus() === 'restoring'}>
          <Loading class="card card__body stack" label="Loading your cart" rows={1} height="72px" />
        </Match>
        <Match when={sessionStatus() === 'anonymous'}>
          <GuestCart />
        </Match>
      </Switch>
    </>
  )
}

import { A, useNavigate } from '@solidjs/router'
import { createEffect, createSignal, For, Match, on, onMount, Show, Switch } from 'solid-js'
import { type PaymentMethod, PAYMENT_METHODS } from '../../../src/modules/orders/status'
import { type Address, AddressForm } from '../components/address-form'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { Callout, EmptyState, Loading } from '../components/feedback'
import { Icon } from '../components/icons'
import { Img } from '../components/media'
import { Addressee, Totals } from '../components/order-detail'
import { answered, createAttempt, createBalances } from '../components/payment-parts'
import { toastError } from '../components/toast'
import { api, must } from '../lib/api'
import { type CheckoutProblem, CheckoutRefused, handedOverIn, placeCheckout, type Quote, type QuoteBody, quoteCheckout } from '../lib/checkout'
import { ApiError } from '../lib/errors'
import { PageMeta } from '../lib/head'
import { moneyIn, payOrderGroup } from '../lib/orders'

type Shop = Quote['shops'][number]
type Line = Shop['lines'][number]
type Option = Shop['options'][number]

const PAYMENT_LABEL: Record<PaymentMethod, { name: string; hint: string; next: string }> = {
  card: { name: 'Card', hint: 'Pay now on the secure payment page; the shop is paid once you confirm receipt.', next: 'Next, you pay on the secure payment page.' },
  wallet: { name: 'Souk wallet', hint: 'Pay now from your wallet balance; the shop is paid once you confirm receipt.', next: 'Paid at once from your wallet.' },
  cash_on_delivery: { name: 'Cash on delivery', hint: 'Pay each shop’s courier in cash when your order arrives.', next: 'You pay on delivery.' },
}

/** What placing does, on its button. */
const PLACE_LABEL: Record<PaymentMethod, string> = { card: 'Place order and pay by card', wallet: 'Place order and pay from wallet', cash_on_delivery: 'Place order' }

/** "The price of Brass lantern went up from 100.00 MAD to 120.00 MAD since you added it." */
function priceChange(line: Line, money: (minor: number) => string): string {
  const way = line.unitPriceMinor > line.priceSeenMinor ? 'went up' : 'went down'
  return `The price of ${line.title} ${way} from ${money(line.priceSeenMinor)} to ${money(line.unitPriceMinor)} since you added it.`
}

function ProblemList(props: { problems: CheckoutProblem[] }) {
  return (
    <Show when={props.problems.length > 0}>
      <ul class="checkout-problems">
        <For each={props.problems}>{(problem) => <li>{problem.message}</li>}</For>
      </ul>
    </Show>
  )
}

/** Pick one of my addresses, or add one (the form opens at once when I have none). */
function AddressPicker(props: { name: string; legend: string; addresses: Address[]; value: string | null; onChange: (id: string) => void; onAdded: (address: Address) => void }) {
  const [adding, setAdding] = createSignal(false)
  return (
    <div class="stack">
      <Show when={props.addresses.length > 0}>
        <fieldset class="checkout-choices">
          <legend class="visually-hidden">{props.legend}</legend>
          <For each={props.addresses}>
            {(address) => (
              <label class="check checkout-choice">
                <input type="radio" name={props.name} value={address.id} checked={props.value === address.id} onChange={() => props.onChange(address.id)} />
                <Addressee address={address} />
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <Show
        when={adding() || props.addresses.length === 0}
        fallback={
          <div>
            <Button size="sm" onClick={() => setAdding(true)}>
              <Icon name="plus" /> Add an address
            </Button>
          </div>
        }
      >
        <AddressForm
          askDefaults={props.addresses.length > 0}
          submitLabel="Use this address"
          onCancel={props.addresses.length > 0 ? () => setAdding(false) : undefined}
          onSaved={(address) => {
            setAdding(false)
            props.onAdded(address)
          }}
        />
      </Show>
    </div>
  )
}

function ShopDelivery(props: { shop: Shop; currency: string | null; chosen: string | undefined; onChoose: (optionId: string) => void }) {
  const money = (minor: number) => moneyIn(props.currency)(minor)
  const price = (option: Option) => {
    const free = option.freeAboveMinor !== null && props.shop.itemsMinor >= option.freeAboveMinor
    if (option.priceMinor === 0 || free) return 'Free'
    return option.freeAboveMinor === null ? money(option.priceMinor) : `${money(option.priceMinor)}, free from ${money(option.freeAboveMinor)}`
  }
  return (
    <section class="card card__body stack" aria-label={`From ${props.shop.vendor.name}`}>
      <h3 class="section-title">
        From <A href={`/vendors/${props.shop.vendor.slug}`}>{props.shop.vendor.name}</A>
      </h3>
      <ul class="cart-lines" aria-label={`Items from ${props.shop.vendor.name}`}>
        <For each={props.shop.lines}>
          {(line) => (
            <li class="cart-line">
              <span class="cart-line__image">
                <Img src={line.imageUrl} alt="" width={72} height={72} />
              </span>
              <div class="cart-line__text">
                <A href={`/products/${line.slug}`} class="text-strong">
                  {line.title}
                </A>
                <span class="muted">
                  {line.quantity} × {money(line.unitPriceMinor)}
                </span>
              </div>
              <div class="cart-line__price">
                <strong>{money(line.lineMinor)}</strong>
                <Show when={line.priceSeenMinor !== line.unitPriceMinor}>
                  <span class="muted">was {money(line.priceSeenMinor)} each</span>
                </Show>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.shop.options.length > 0} fallback={<p class="muted">This shop has no delivery option yet.</p>}>
        <fieldset class="checkout-choices">
          <legend>Delivery by {props.shop.vendor.name}</legend>
          <For each={props.shop.options}>
            {(option) => (
              <label class="check checkout-choice">
                <input type="radio" name={`delivery-${props.shop.vendor.id}`} value={option.id} checked={props.chosen === option.id} onChange={() => props.onChoose(option.id)} />
                <span>
                  <strong>
                    {option.name} · {price(option)}
                  </strong>
                  <span class="muted">{option.pickup ? `Collect it from the shop, ready ${handedOverIn(option.handlingDays)}` : `Handed to the courier ${handedOverIn(option.handlingDays)}`}</span>
                </span>
              </label>
            )}
          </For>
        </fieldset>
      </Show>
    </section>
  )
}

/** The quote in words: per shop, then totals with TVA by rate, changed prices and what stops the checkout. */
function Review(props: { quote: Quote }) {
  const q = () => props.quote
  const money = (minor: number) => moneyIn(q().currency)(minor)
  const changed = () => q().shops.flatMap((shop) => shop.lines.filter((line) => line.priceSeenMinor !== line.unitPriceMinor))
  return (
    <div class="stack">
      <For each={q().shops}>
        {(shop) => (
          <div class="stack stack--tight">
            <strong>{shop.vendor.name}</strong>
            <dl class="order-totals" aria-label={`${shop.vendor.name}: what it comes to`}>
              <div>
                <dt>Items</dt>
                <dd>{money(shop.itemsMinor)}</dd>
              </div>
              <div>
                <dt>Shipping</dt>
                <dd>{shop.optionId === null ? 'Not chosen' : shop.shippingMinor === 0 ? 'Free' : money(shop.shippingMinor)}</dd>
              </div>
            </dl>
          </div>
        )}
      </For>
      <Totals amounts={q()} />
      <Show when={changed().length > 0}>
        <Callout>
          <For each={changed()}>{(line) => <p>{priceChange(line, money)} You pay today’s price.</p>}</For>
        </Callout>
      </Show>
      <Show when={q().problems.length > 0}>
        <Callout tone="danger">
          <ProblemList problems={q().problems} />
        </Callout>
      </Show>
    </div>
  )
}

/**
 * The checkout of my cart: where it goes (and is billed), how each shop delivers, how I pay, and
 * what it comes to, asked of the server again on every change (a quote changes nothing). Placing
 * sends one Idempotency-Key per attempt, kept until the server answers that nothing was placed
 * with it: a double click, or a retry after the answer was lost, places once. Paying by card or
 * from the wallet places the orders (waiting for payment), then pays their group, with a key of
 * its own per attempt: from the wallet at once (then the confirmation page), by card on the
 * provider's page (which comes back to My orders). A payment refused once placed leaves the orders
 * waiting on My orders, where they can be paid again.
 */
function CheckoutView() {
  const navigate = useNavigate()
  const [addresses, setAddresses] = createSignal<Address[] | null>(null)
  const [shipTo, setShipTo] = createSignal<string | null>(null)
  const [billSame, setBillSame] = createSignal(true)
  const [billTo, setBillTo] = createSignal<string | null>(null)
  const [choices, setChoices] = createSignal<Record<string, string>>({})
  const [method, setMethod] = createSignal<PaymentMethod>(PAYMENT_METHODS[0])
  const [quote, setQuote] = createSignal<Quote | null>(null)
  const [quoting, setQuoting] = createSignal(false)
  const [failed, setFailed] = createSignal(false)
  const [placing, setPlacing] = createSignal(false)
  const [refused, setRefused] = createSignal<CheckoutProblem[]>([])
  const [unsure, setUnsure] = createSignal<string | null>(null)
  // The group placed, while its payment is still to be made: pressing again pays it, it does not place again.
  const [placed, setPlaced] = createSignal<{ groupId: string; method: 'card' | 'wallet' } | null>(null)
  // Set once the page is leaving for the payment page: nothing may be pressed meanwhile.
  const [leaving, setLeaving] = createSignal(false)
  const wallet = createBalances()

  const billing = () => (billSame() ? null : billTo())
  const body = (): QuoteBody => ({
    ...(shipTo() === null ? {} : { shippingAddressId: shipTo()! }),
    ...(billing() === null ? {} : { billingAddressId: billing()! }),
    shipping: Object.entries(choices()).map(([vendorId, optionId]) => ({ vendorId, optionId })),
    paymentMethod: method(),
  })

  // Only the latest quote is shown: one asked for older choices may arrive after it.
  let asked = 0
  const requote = async () => {
    const mine = ++asked
    setQuoting(true)
    try {
      const fresh = await quoteCheckout(body())
      if (mine !== asked) return
      setQuote(fresh)
      setFailed(false)
      // A shop not chosen for yet starts at its first option (asking again, with it).
      const unchosen = fresh.shops.filter((shop) => choices()[shop.vendor.id] === undefined && shop.options.length > 0)
      if (unchosen.length > 0) setChoices((current) => ({ ...current, ...Object.fromEntries(unchosen.map((shop) => [shop.vendor.id, shop.options[0]!.id])) }))
    } catch (error) {
      if (mine !== asked) return
      if (quote() === null) setFailed(true)
      else toastError(error, 'Could not work out your checkout')
    } finally {
      if (mine === asked) setQuoting(false)
    }
  }

  onMount(async () => {
    try {
      const mine = must(await api().api.v1.me.addresses.get()).items
      setAddresses(mine)
      setShipTo((mine.find((a) => a.defaultShipping) ?? mine[0])?.id ?? null)
      setBillTo((mine.find((a) => a.defaultBilling) ?? mine[0])?.id ?? null)
    } catch (error) {
      setAddresses([])
      toastError(error, 'Could not load your addresses')
    }
  })
  // Every change of a choice asks for the quote again; the first waits for the addresses.
  createEffect(
    on([addresses, shipTo, billing, choices, method], ([list]) => {
      // Once placed, the cart is empty: the quote shown stays what was placed and is being paid.
      if (list === null || placed() !== null) return
      setRefused([])
      void requote()
    }),
  )

  const added = (address: Address, role: 'shipping' | 'billing') => {
    setAddresses((list) => [...(list ?? []), address])
    if (role === 'shipping') setShipTo(address.id)
    else setBillTo(address.id)
  }

  const payAttempt = createAttempt()
  /** Pays the placed group: the wallet at once (to the confirmation), a card on the provider's page. */
  const pay = async (group: { groupId: string; method: 'card' | 'wallet' }) => {
    try {
      const payment = await payAttempt(`${group.groupId}:${group.method}`, (key) => payOrderGroup(group.groupId, group.method, key))
      if (payment.status === 'pending' && payment.redirectUrl !== null) {
        setLeaving(true)
        return location.assign(payment.redirectUrl)
      }
      navigate(`/orders/placed/${group.groupId}`)
    } catch (error) {
      if (!answered(error)) return setUnsure('We could not confirm your payment. Press “Pay” again: you will not be charged twice.')
      // Placed, not paid (the wallet fell short meanwhile, say): the orders wait on My orders, to be paid there.
      toastError(error, 'Could not pay for your order')
      navigate(`/orders?group=${group.groupId}`)
    }
  }

  let attemptKey: string | null = null
  const place = async () => {
    const shippingAddressId = shipTo()
    if (placing() || leaving() || shippingAddressId === null) return
    setPlacing(true)
    setRefused([])
    setUnsure(null)
    const unpaid = placed()
    if (unpaid !== null) {
      await pay(unpaid)
      return setPlacing(false)
    }
    attemptKey ??= crypto.randomUUID()
    const { shipping = [], billingAddressId } = body()
    const how = method()
    try {
      const result = await placeCheckout({ shippingAddressId, ...(billingAddressId === undefined ? {} : { billingAddressId }), shipping, paymentMethod: how }, attemptKey)
      if (how === 'cash_on_delivery') return navigate(`/orders/placed/${result.groupId}`)
      const group = { groupId: result.groupId, method: how }
      setPlaced(group)
      await pay(group)
    } catch (error) {
      if (error instanceof CheckoutRefused) {
        // Nothing was placed with this key: the next attempt is a new one.
        attemptKey = null
        setRefused(error.problems)
        await requote()
      } else if (error instanceof ApiError && error.facts.reason === 'idempotency_key_reused') {
        attemptKey = null
        setUnsure('Your earlier attempt went through with other choices. Check My orders before placing again.')
      } else if (error instanceof ApiError && error.status < 500 && error.status !== 429) {
        attemptKey = null
        toastError(error, 'Could not place your order')
      } else {
        // No answer (the typed client says 503), or one that does not say whether it was placed: the retry sends the same key.
        setUnsure('We could not confirm your order. Press “Place order” again: it will not be placed twice.')
      }
    } finally {
      setPlacing(false)
    }
  }

  const empty = () => quote()?.shops.length === 0
  /** My available balance in the quote's currency; null while unknown (a cart in several currencies has none). */
  const available = () => {
    const currency = quote()?.currency ?? null
    return currency === null || wallet.balances() === null ? null : wallet.of(currency).availableMinor
  }
  const byWallet = () => placed() === null && method() === 'wallet' && quote() !== null
  // A cart in several currencies cannot be paid from one balance; otherwise the balance must cover the total.
  const walletShort = () => byWallet() && (quote()!.currency === null || (available() !== null && available()! < quote()!.totalMinor))
  const blocked = () =>
    quote() === null || quoting() || placing() || leaving() || walletShort() || (byWallet() && available() === null) || (placed() === null && (quote()?.problems.length ?? 0) > 0)
  return (
    <Switch>
      <Match when={failed()}>
        <div class="card">
          <EmptyState icon="alert" title="Your checkout did not load" actions={<Button onClick={() => void requote()}>Try again</Button>}>
            Check your connection and try again.
          </EmptyState>
        </div>
      </Match>
      <Match when={addresses() === null || quote() === null}>
        <Loading class="card card__body stack" label="Loading your checkout" height="120px" />
      </Match>
      <Match when={empty() && placed() === null && unsure() !== null}>
        <div class="card">
          <EmptyState icon="bag" title="Your cart is empty now" actions={<ButtonLink variant="primary" href="/orders">My orders</ButtonLink>}>
            Placing empties the cart, so your order most likely went through: My orders has it.
          </EmptyState>
        </div>
      </Match>
      <Match when={empty() && placed() === null}>
        <div class="card">
          <EmptyState icon="bag" title="Your cart is empty" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
            Add products to your cart, then come back to check out.
          </EmptyState>
        </div>
      </Match>
      <Match when={quote()}>
        {(q) => (
          <div class="order-layout">
            <div class="stack">
              <section class="card card__body stack" aria-labelledby="checkout-address-heading">
                <h2 id="checkout-address-heading" class="section-title">
                  1. Delivery address
                </h2>
                <AddressPicker name="ship-to" legend="Deliver to" addresses={addresses() ?? []} value={shipTo()} onChange={setShipTo} onAdded={(a) => added(a, 'shipping')} />
                <label class="check">
                  <input type="checkbox" checked={billSame()} onChange={(e) => setBillSame(e.currentTarget.checked)} /> Bill to the delivery address
                </label>
                <Show when={!billSame()}>
                  <h3 class="section-title">Billing address</h3>
                  <AddressPicker name="bill-to" legend="Bill to" addresses={addresses() ?? []} value={billTo()} onChange={setBillTo} onAdded={(a) => added(a, 'billing')} />
                </Show>
              </section>
              <section class="stack" aria-labelledby="checkout-delivery-heading">
                <h2 id="checkout-delivery-heading" class="section-title">
                  2. Delivery, shop by shop
                </h2>
                <p class="muted">Each shop sends its items on its own, so you get one order per shop.</p>
                <For each={q().shops}>
                  {(shop) => <ShopDelivery shop={shop} currency={q().currency} chosen={choices()[shop.vendor.id]} onChoose={(optionId) => setChoices((c) => ({ ...c, [shop.vendor.id]: optionId }))} />}
                </For>
              </section>
              <section class="card card__body stack" aria-labelledby="checkout-payment-heading">
                <h2 id="checkout-payment-heading" class="section-title">
                  3. Payment
                </h2>
                {/* Once placed, the orders are paid the way they were placed. */}
                <fieldset class="checkout-choices" disabled={placed() !== null}>
                  <legend class="visually-hidden">Payment method</legend>
                  <For each={PAYMENT_METHODS}>
                    {(name) => (
                      <label class="check checkout-choice">
                        <input type="radio" name="payment" value={name} checked={method() === name} onChange={() => setMethod(name)} />
                        <span>
                          <strong>{PAYMENT_LABEL[name].name}</strong>
                          <span class="muted">{PAYMENT_LABEL[name].hint}</span>
                          <Show when={name === 'wallet' && q().currency !== null}>
                            <span data-testid="wallet-available">
                              Available: <strong>{available() === null ? '…' : moneyIn(q().currency)(available()!)}</strong>
                            </span>
                          </Show>
                        </span>
                      </label>
                    )}
                  </For>
                </fieldset>
                <Show when={walletShort()}>
                  <Callout tone="danger">
                    <Show when={q().currency !== null} fallback={<p>Your wallet cannot pay for a cart in several currencies. Pay by card or on delivery.</p>}>
                      <p>
                        Your wallet has {moneyIn(q().currency)(available()!)} available, short of the {moneyIn(q().currency)(q().totalMinor)} this order comes to. Add money on your{' '}
                        <A href="/wallet">wallet</A>, or pay another way.
                      </p>
                    </Show>
                  </Callout>
                </Show>
              </section>
            </div>
            <aside class="card card__body stack checkout-review" aria-labelledby="checkout-review-heading" aria-busy={quoting()}>
              <h2 id="checkout-review-heading" class="section-title">
                4. Review
              </h2>
              <Review quote={q()} />
              <Show when={refused().length > 0}>
                <Callout tone="danger">
                  <p>Nothing was placed.</p>
                  {/* What the quote asked again does not say already (stock taken between its check and the placing). */}
                  <ProblemList problems={refused().filter((problem) => !q().problems.some((now) => now.message === problem.message))} />
                </Callout>
              </Show>
              <Show when={unsure()}>{(text) => <Callout tone="danger">{text()}</Callout>}</Show>
              <Button variant="primary" size="lg" block disabled={blocked()} aria-busy={placing() || leaving()} onClick={() => void place()}>
                {leaving() ? 'Going to the payment page…' : placing() ? (placed() === null ? 'Placing your order…' : 'Paying…') : `${placed() === null ? PLACE_LABEL[method()] : 'Pay'} · ${moneyIn(q().currency)(q().totalMinor)}`}
              </Button>
              <p class="muted">
                {PAYMENT_LABEL[placed()?.method ?? method()].next} <A href="/cart">Back to your cart</A>
              </p>
            </aside>
          </div>
        )}
      </Match>
    </Switch>
  )
}

export default function Checkout() {
  return (
    <>
      <PageMeta title="Checkout" description="Place your Souk order." noindex />
      <div class="page-header">
        <div>
          <h1>Checkout</h1>
          <p>Choose where it goes, how each shop delivers, and how you pay.</p>
        </div>
      </div>
      <SignedIn>
        <CheckoutView />
      </SignedIn>
    </>
  )
}

import { A } from '@solidjs/router'
import { For, type JSX, Show } from 'solid-js'
import { formatPrice, type ProductSummary } from '../lib/catalog'
import { Badge } from './feedback'
import { Icon } from './icons'
import { Img } from './media'
import { RatingSummary } from './rating'

/** A product in a list: primary photo (thumbnail), title, price, shop, and what makes it stand out. */
export function ProductCard(props: { product: ProductSummary; eager?: boolean }) {
  const p = () => props.product
  return (
    <A href={`/products/${p().slug}`} class="card product-card" aria-label={`${p().title}, ${formatPrice(p().priceMinor, p().currency)}`}>
      <div class="media">
        <Img src={p().image?.thumbnailUrl} alt="" loading={props.eager === true ? 'eager' : 'lazy'} width={480} height={360} />
        <div class="product-card__flags">
          <Show when={p().featured}>
            <Badge tone="primary">Featured</Badge>
          </Show>
          {/* Paid placement is labelled as advertising. */}
          <Show when={p().boosted}>
            <Badge>Promoted</Badge>
          </Show>
          <Show when={p().status === 'sold'}>
            <Badge tone="danger">Sold</Badge>
          </Show>
          <Show when={p().status === 'active' && p().stock === 0}>
            <Badge tone="warning">Out of stock</Badge>
          </Show>
        </div>
      </div>
      <div class="product-card__body">
        <span class="product-card__title">{p().title}</span>
        <strong class="product-card__price">{formatPrice(p().priceMinor, p().currency)}</strong>
        <span class="product-card__meta">
          <Icon name="store" /> {p().vendor.companyName}
        </span>
        <RatingSummary rating={p().rating} />
      </div>
    </A>
  )
}

export function ProductGrid(props: { products: ProductSummary[]; label: string; eager?: number }) {
  return (
    <ul class="grid grid--cards product-grid" aria-label={props.label}>
      <For each={props.products}>
        {(product, i) => (
          <li>
            <ProductCard product={product} eager={i() < (props.eager ?? 0)} />
          </li>
        )}
      </For>
    </ul>
  )
}

/** A horizontal row of cards that scrolls sideways on narrow screens (home page rails). */
export function ProductRail(props: { title: string; id: string; products: ProductSummary[]; more?: string; children?: JSX.Element }) {
  return (
    <Show when={props.products.length > 0}>
      <section class="section" aria-labelledby={props.id}>
        <div class="section__header">
          <h2 id={props.id}>{props.title}</h2>
          <Show when={props.more}>{(href) => <A href={href()}>See all</A>}</Show>
        </div>
        {props.children}
        <ul class="rail" aria-labelledby={props.id}>
          <For each={props.products}>
            {(product) => (
              <li>
                <ProductCard product={product} />
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  )
}

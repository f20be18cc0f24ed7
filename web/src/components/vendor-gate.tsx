import { type JSX, Match, Show, Switch, untrack } from 'solid-js'
import { type MyShop, useMyVendor } from '../lib/catalog'
import { SignedIn } from './auth-gate'
import { ButtonLink } from './button'
import { Callout, EmptyState } from './feedback'

/**
 * Shows its children to the owner of an approved shop (an admin without a shop is sent to apply
 * too: products belong to shops). Others see where their application stands.
 */
export function VendorGate(props: { children: (shop: MyShop) => JSX.Element }) {
  return (
    <SignedIn>
      <ShopStatus>{props.children}</ShopStatus>
    </SignedIn>
  )
}

function ShopStatus(props: { children: (shop: MyShop) => JSX.Element }) {
  const { shop } = useMyVendor()
  return (
    <Show when={shop() !== undefined}>
      <Switch>
        <Match when={shop() === null}>
          <div class="card">
            <EmptyState icon="store" title="You do not have a shop yet" actions={<ButtonLink variant="primary" href="/sell">Apply to sell</ButtonLink>}>
              Open a storefront to list products and follow how they do.
            </EmptyState>
          </div>
        </Match>
        {/* Untracked: a re-read of the same approved shop (on every topic follow) must not build the page again and lose what is typed in it; a status change still switches. */}
        <Match when={shop()?.status === 'approved'}>{untrack(() => props.children(shop()!))}</Match>
        <Match when={shop()?.status === 'pending'}>
          <Callout tone="info">
            <p>Your application for {shop()!.companyName} is waiting for review. Your dashboard opens once it is approved.</p>
          </Callout>
        </Match>
        <Match when={true}>
          <Callout tone="danger">
            <p>
              {shop()!.companyName} is {shop()!.status}. {shop()!.statusReason ?? ''}
            </p>
            <p>
              <a href="/sell">See your application</a>
            </p>
          </Callout>
        </Match>
      </Switch>
    </Show>
  )
}

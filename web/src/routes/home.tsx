import { A } from '@solidjs/router'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { Icon, type IconName } from '../components/icons'
import { PageMeta } from '../lib/head'

const STEPS: { icon: IconName; title: string; text: string }[] = [
  { icon: 'search', title: 'Find it', text: 'Search listings from independent vendors and save the ones you like.' },
  { icon: 'chat', title: 'Ask the seller', text: 'Chat with the vendor about the product before you buy — answers arrive live.' },
  { icon: 'shield', title: 'Pay safely', text: 'Your payment is held in escrow and released when your order arrives.' },
]

export default function Home() {
  return (
    <>
      <PageMeta title="Souk" description="Buy from independent vendors, chat with them live and pay safely through escrow." />
      <section class="hero">
        <h1>Buy from people, not just listings.</h1>
        <p>Souk connects you with independent vendors. Ask questions in chat, follow your order as it moves, and pay through escrow that releases when it arrives.</p>
        <div class="row">
          <ButtonLink variant="primary" size="lg" href="/catalog">
            <Icon name="bag" /> Browse the catalog
          </ButtonLink>
          <ButtonLink size="lg" href="/signup">
            <Icon name="store" /> Start selling
          </ButtonLink>
        </div>
      </section>

      <section class="section" aria-labelledby="how-heading">
        <div class="section__header">
          <h2 id="how-heading">How Souk works</h2>
        </div>
        <div class="steps">
          {STEPS.map((step) => (
            <div class="card step">
              <div class="step__icon">
                <Icon name={step.icon} />
              </div>
              <h3>{step.title}</h3>
              <p>{step.text}</p>
            </div>
          ))}
        </div>
      </section>

      <section class="section" aria-labelledby="fresh-heading">
        <div class="section__header">
          <h2 id="fresh-heading">Fresh listings</h2>
          <A href="/catalog">See all</A>
        </div>
        <div class="card">
          <EmptyState icon="tag" title="No listings yet" headingLevel={3} actions={<ButtonLink href="/signup">Open a storefront</ButtonLink>}>
            New products show up here as soon as vendors publish them.
          </EmptyState>
        </div>
      </section>
    </>
  )
}

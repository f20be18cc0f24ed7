import { useSearchParams } from '@solidjs/router'
import { createSignal, For } from 'solid-js'
import { Button, ButtonLink } from '../components/button'
import { BarChart } from '../components/chart'
import { Dialog } from '../components/dialog'
import { Badge, EmptyState, Progress, Skeleton } from '../components/feedback'
import { SelectField, TextField } from '../components/field'
import { Icon } from '../components/icons'
import { Avatar, Img } from '../components/media'
import { InfiniteList, Pagination } from '../components/pagination'
import { Tabs } from '../components/tabs'
import { toast } from '../components/toast'
import { fieldErrors, toApiError } from '../lib/errors'
import { PageMeta } from '../lib/head'

const SWATCHES = ['--bg', '--surface', '--surface-2', '--border', '--text', '--text-muted', '--primary', '--accent', '--success', '--warning', '--danger', '--focus']

// The shape the server answers a rejected form with, so the inline errors below are the real path.
const SAMPLE_ERROR = toApiError(400, {
  error: {
    type: 'invalid_data',
    message: 'Invalid body.email, body.price',
    details: [
      { field: 'body.email', message: 'Expected an email address' },
      { field: 'body.price', message: 'Must be at least 1' },
    ],
    requestId: 'req_sample',
  },
})

function Section(props: { title: string; children: import('solid-js').JSX.Element }) {
  const id = `ds-${props.title.toLowerCase().replace(/[^a-z]+/g, '-')}`
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card__header">
        <h2 id={id}>{props.title}</h2>
      </div>
      <div class="card__body stack">{props.children}</div>
    </section>
  )
}

/** The living style guide: every shared component in both themes; the browser tests screenshot it. */
export default function Design() {
  const [params] = useSearchParams()
  const page = () => Math.max(1, Number(params.page) || 1)
  const [dialogOpen, setDialogOpen] = createSignal(false)
  const [rows, setRows] = createSignal([1, 2, 3])
  const errors = fieldErrors(SAMPLE_ERROR)
  return (
    <>
      <PageMeta title="Design system" description="Souk's components and colours." noindex />
      <div class="page-header">
        <div>
          <h1>Design system</h1>
          <p>Souk’s shared components, as every screen uses them. Toggle the theme to check both.</p>
        </div>
      </div>
      <div class="grid">
        <Section title="Colours">
          <div class="swatches">
            <For each={SWATCHES}>
              {(name) => (
                <div class="swatch">
                  <span style={{ background: `var(${name})` }} />
                  <code>{name}</code>
                </div>
              )}
            </For>
          </div>
        </Section>

        <Section title="Buttons and badges">
          <div class="row">
            <Button variant="primary">Primary</Button>
            <Button>Secondary</Button>
            <Button variant="ghost">Ghost</Button>
            <Button variant="danger">Delete</Button>
            <Button variant="primary" disabled>
              Disabled
            </Button>
            <Button variant="primary" size="sm">
              <Icon name="plus" /> Small
            </Button>
          </div>
          <div class="row">
            <Badge>Draft</Badge>
            <Badge tone="primary">New</Badge>
            <Badge tone="success">Paid</Badge>
            <Badge tone="warning">Pending</Badge>
            <Badge tone="danger">Refunded</Badge>
          </div>
        </Section>

        <Section title="Form fields">
          <div class="grid grid--cards">
            <TextField label="Email" name="email" type="email" value="not-an-email" error={errors.email} />
            <TextField label="Price" name="price" type="number" value="0" error={errors.price} hint="In your shop’s currency." />
            <SelectField
              label="Condition"
              name="condition"
              options={[
                { value: 'new', label: 'New' },
                { value: 'used', label: 'Used — like new' },
                { value: 'worn', label: 'Used — visible wear' },
              ]}
            />
          </div>
        </Section>

        <Section title="Overlays">
          <div class="row">
            <Button variant="primary" onClick={() => setDialogOpen(true)}>
              Open dialog
            </Button>
            <Button onClick={() => toast('Saved your changes', 'success')}>Success toast</Button>
            <Button onClick={() => toast('Could not reach the server', 'error')}>Error toast</Button>
          </div>
          <Dialog
            open={dialogOpen()}
            onClose={() => setDialogOpen(false)}
            title="Remove this listing?"
            footer={
              <>
                <Button onClick={() => setDialogOpen(false)}>Keep it</Button>
                <Button variant="danger" onClick={() => setDialogOpen(false)}>
                  Remove
                </Button>
              </>
            }
          >
            Buyers will no longer find it. Open orders are not affected.
          </Dialog>
        </Section>

        <Section title="Tabs">
          <Tabs
            label="Example tabs"
            items={[
              { id: 'overview', label: 'Overview', content: () => <p>Arrow keys move between tabs; the panel follows.</p> },
              { id: 'reviews', label: 'Reviews', content: () => <p>Reviews of this product.</p> },
              { id: 'shipping', label: 'Shipping', content: () => <p>Where and how fast the vendor ships.</p> },
            ]}
          />
        </Section>

        <Section title="Cards, images and avatars">
          <div class="grid grid--cards">
            <div class="card product-card">
              <div class="media">
                <Img src={null} alt="Product without a photo" />
              </div>
              <div class="product-card__body">
                <strong>Image with fallback</strong>
                <span class="muted">No photo, or a broken one, shows the fallback.</span>
              </div>
            </div>
            <div class="card product-card" aria-hidden="true">
              <Skeleton height="165px" radius="0" />
              <div class="product-card__body">
                <Skeleton width="70%" />
                <Skeleton width="40%" />
              </div>
            </div>
            <div class="card card__body stack">
              <div class="row">
                <Avatar name="Avatar without a picture" />
                <Avatar name="Larger avatar" size={56} />
              </div>
              <Progress label="Importing products" value={64} />
              <Progress label="Export finished" value={100} />
            </div>
          </div>
        </Section>

        <Section title="Chart">
          <p class="muted" style={{ margin: 0 }}>
            Sample figures, to show the component.
          </p>
          <BarChart
            title="Orders per day"
            data={[
              { label: 'Mon', value: 12 },
              { label: 'Tue', value: 19 },
              { label: 'Wed', value: 7 },
              { label: 'Thu', value: 23 },
              { label: 'Fri', value: 31 },
              { label: 'Sat', value: 44 },
              { label: 'Sun', value: 28 },
            ]}
          />
        </Section>

        <Section title="Lists and paging">
          <InfiniteList label="Example rows" items={rows()} hasMore={rows().length < 9} loadMore={async () => {
              setRows((r) => [...r, r.length + 1, r.length + 2, r.length + 3])
            }}>
            {(n) => (
              <>
                <Avatar name={`Row ${n}`} size={32} />
                <span>Row {n}</span>
              </>
            )}
          </InfiniteList>
          <Pagination page={page()} totalPages={12} href={(p) => `/design?page=${p}`} />
        </Section>

        <Section title="Empty state">
          <EmptyState icon="heart" title="No favourites yet" headingLevel={3} actions={<ButtonLink href="/catalog">Browse the catalog</ButtonLink>}>
            Products you save appear here.
          </EmptyState>
        </Section>
      </div>
    </>
  )
}

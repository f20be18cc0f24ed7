import { A, useParams } from '@solidjs/router'
import { createResource, createSignal, For, type JSX, Show } from 'solid-js'
import type { Role } from '../../../src/modules/accounts/auth'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { ConfirmDialog, createRequestState } from '../components/confirm-dialog'
import { Dialog } from '../components/dialog'
import { Fact } from '../components/fact'
import { Badge, Callout, EmptyState, Skeleton } from '../components/feedback'
import { SelectField, TextAreaField, TextField } from '../components/field'
import { utcMinute } from '../components/finance-parts'
import { FormAlert } from '../components/form'
import { toast } from '../components/toast'
import { AUDIT_KIND_LABEL, summaryText } from '../lib/audit'
import { type AdminUserDetail, getUser, resendVerification, ROLE_LABEL, setUserRole, signOutUser, suspendUser, unsuspendUser } from '../lib/admin-users'
import { formatPrice } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { describeDevice, timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { StandingBadge } from './admin-users'

/** A card of one fact list of the user's page: a heading, then a line per item, or `empty`. */
function ListCard<T>(props: { id: string; title: string; items: T[]; empty: string; children: (item: T) => JSX.Element }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <div class="card__header">
        <h2 id={props.id}>{props.title}</h2>
      </div>
      <div class="card__body">
        <Show when={props.items.length > 0} fallback={<p class="muted">{props.empty}</p>}>
          <ul class="stack">
            <For each={props.items}>{(item) => <li>{props.children(item)}</li>}</For>
          </ul>
        </Show>
      </div>
    </section>
  )
}

/** Asks for the reason (shown to the user when they try to sign in) and an optional end. */
function SuspendDialog(props: { open: boolean; onClose: () => void; name: string; onSuspend: (reason: string, until: Date | null) => Promise<unknown> }) {
  const request = createRequestState()
  const close = () => {
    request.clear()
    props.onClose()
  }
  return (
    <Dialog open={props.open} onClose={close} title="Suspend this account">
      <form
        class="stack"
        aria-label="Suspend"
        onSubmit={(e) => {
          e.preventDefault()
          const form = e.currentTarget
          const data = new FormData(form)
          const reason = String(data.get('reason') ?? '').trim()
          const end = String(data.get('until') ?? '')
          // datetime-local is the admin's own time zone; Date reads it so.
          const until = end === '' ? null : new Date(end)
          void request.run(() => props.onSuspend(reason, until)).then((ok) => {
            if (!ok) return
            form.reset()
            close()
          })
        }}
      >
        <p>
          {props.name} is signed out everywhere at once and cannot sign in until the suspension ends or is lifted.
        </p>
        <FormAlert error={request.error()} fields={['reason', 'until']} />
        <TextAreaField label="Reason" name="reason" required minLength={3} maxLength={500} rows={3} hint="They see this when they try to sign in." error={fieldErrors(request.error()).reason} />
        <TextField label="Until (optional)" name="until" type="datetime-local" hint="Empty: until an admin lifts it." error={fieldErrors(request.error()).until} />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={request.pending()} aria-busy={request.pending()}>
            Suspend
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

type Confirming = 'unsuspend' | 'sign-out' | 'role' | null

function UserPage(props: { id: string }) {
  const [detail, { mutate, refetch }] = createResource(() => props.id, getUser)
  const [confirming, setConfirming] = createSignal<Confirming>(null)
  const [suspending, setSuspending] = createSignal(false)
  const [newRole, setNewRole] = createSignal<Role>('buyer')
  const resend = createRequestState()
  const apply = (next: AdminUserDetail, message: string) => {
    mutate(next)
    toast(message, 'success')
  }
  return (
    <Show
      when={detail()}
      fallback={
        <Show when={detail.error} fallback={<Skeleton height="200px" />}>
          <Callout tone="danger">Could not load this user. {String((detail.error as Error | undefined)?.message ?? '')}</Callout>
        </Show>
      }
    >
      {(d) => {
        const u = () => d().user
        return (
          // Ids and user agents are long unbroken words: they wrap rather than widen a phone's page.
          <div class="stack" style={{ 'overflow-wrap': 'anywhere', 'min-width': 0 }}>
            <section class="card" aria-labelledby="user-heading">
              <div class="card__header">
                <h2 id="user-heading">{u().displayName}</h2>
                <StandingBadge standing={u().standing} />
              </div>
              <div class="card__body stack">
                <dl class="order-totals">
                  <Fact term="Id">
                    <code>{u().id}</code>
                  </Fact>
                  <Fact term="Email">
                    {u().email} {u().emailVerified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Unverified</Badge>}
                  </Fact>
                  <Fact term="Role">{ROLE_LABEL[u().role]}</Fact>
                  <Fact term="Joined">{utcMinute(u().createdAt)}</Fact>
                </dl>
                <Show when={u().standing.state === 'suspended'}>
                  <Callout tone="danger">
                    Suspended since {utcMinute(u().standing.since!)}, {u().standing.until === null ? 'until lifted' : `until ${utcMinute(u().standing.until!)}`}: {u().standing.reason}
                  </Callout>
                </Show>
                <FormAlert error={resend.error()} />
                <div class="row" style={{ 'flex-wrap': 'wrap', 'align-items': 'flex-end' }}>
                  <SelectField
                    label="Role"
                    value={newRole()}
                    onChange={(e) => setNewRole(e.currentTarget.value as Role)}
                    options={(['buyer', 'vendor', 'admin'] as const).map((value) => ({ value, label: ROLE_LABEL[value] }))}
                  />
                  <Button disabled={newRole() === u().role} onClick={() => setConfirming('role')}>
                    Change role
                  </Button>
                  <Show when={u().standing.state === 'suspended'} fallback={<Button variant="danger" onClick={() => setSuspending(true)}>Suspend</Button>}>
                    <Button onClick={() => setConfirming('unsuspend')}>Lift suspension</Button>
                  </Show>
                  <Button onClick={() => setConfirming('sign-out')}>Sign out everywhere</Button>
                  <Show when={!u().emailVerified}>
                    <Button
                      disabled={resend.pending()}
                      onClick={() => void resend.run(async () => toast((await resendVerification(u().id)).message, 'success'))}
                    >
                      Resend verification
                    </Button>
                  </Show>
                </div>
              </div>
            </section>

            <ListCard id="sessions-heading" title={`Signed-in devices (${d().sessions.length})`} items={d().sessions} empty="No open sessions.">
              {(s) => (
                <>
                  {describeDevice(s.userAgent).label} · {s.ip ?? 'unknown address'} · last used {timeAgo(s.lastUsedAt)} · signed in {utcMinute(s.createdAt)}
                </>
              )}
            </ListCard>

            <ListCard id="orders-heading" title={`Orders (${d().orders.count})`} items={d().orders.latest} empty="No orders.">
              {(o) => (
                <>
                  <A href={`/admin/orders/${o.id}`}>{o.id}</A> · {o.status} · {formatPrice(o.totalMinor, o.currency)} · {utcMinute(o.createdAt)}
                </>
              )}
            </ListCard>

            <section class="card" aria-labelledby="facts-heading">
              <div class="card__header">
                <h2 id="facts-heading">Shop, reports and wallet</h2>
              </div>
              <div class="card__body">
                <dl class="order-totals">
                  <Fact term="Shop">
                    <Show when={d().shop} fallback="None">
                      {(shop) => (
                        <>
                          <A href={`/vendors/${shop().slug}`}>{shop().name}</A> <Badge>{shop().status}</Badge>
                        </>
                      )}
                    </Show>
                  </Fact>
                  <Fact term="Reports against the shop">
                    {d().reports.shop.total} ({d().reports.shop.open} open)
                  </Fact>
                  <Fact term="Reports against their messages">
                    {d().reports.messages.total} ({d().reports.messages.open} open)
                  </Fact>
                  <Fact term="Reports against their reviews">
                    {d().reports.reviews.total} ({d().reports.reviews.open} open)
                  </Fact>
                  <Fact term="Wallet">
                    <Show when={d().wallet.length > 0} fallback="Empty">
                      <For each={d().wallet}>
                        {(b) => (
                          <div>
                            {formatPrice(b.availableMinor, b.currency)} available · {formatPrice(b.heldMinor, b.currency)} held
                          </div>
                        )}
                      </For>
                    </Show>
                  </Fact>
                </dl>
              </div>
            </section>

            <section class="card" aria-labelledby="audit-heading">
              <div class="card__header">
                <h2 id="audit-heading">Latest audit entries</h2>
                <ButtonLink size="sm" href="/admin/audit">
                  Audit log
                </ButtonLink>
              </div>
              <div class="card__body">
                <Show when={d().audit.length > 0} fallback={<EmptyState icon="shield" title="No entries" headingLevel={3}>Nothing recorded about this account yet.</EmptyState>}>
                  <ul class="stack">
                    <For each={d().audit}>
                      {(e) => (
                        <li>
                          {utcMinute(e.at)} · {AUDIT_KIND_LABEL[e.kind]} · by {e.actorName ?? (e.actorId === null ? 'Souk' : e.actorId)} <span class="muted">{summaryText(e.summary)}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </div>
            </section>

            <SuspendDialog
              open={suspending()}
              onClose={() => setSuspending(false)}
              name={u().displayName}
              onSuspend={async (reason, until) => apply(await suspendUser(u().id, { reason, until }), 'Account suspended.')}
            />
            <ConfirmDialog
              title="Lift the suspension?"
              open={confirming() === 'unsuspend'}
              onClose={() => setConfirming(null)}
              keep="Keep it"
              confirm="Lift suspension"
              onConfirm={async () => apply(await unsuspendUser(u().id), 'Suspension lifted.')}
            >
              <p>{u().displayName} can sign in again at once.</p>
            </ConfirmDialog>
            <ConfirmDialog
              title="Sign out everywhere?"
              open={confirming() === 'sign-out'}
              onClose={() => setConfirming(null)}
              keep="Cancel"
              confirm="Sign out"
              onConfirm={async () => {
                const { ended } = await signOutUser(u().id)
                toast(`${ended} ${ended === 1 ? 'session' : 'sessions'} ended.`, 'success')
                await refetch()
              }}
            >
              <p>Every device of {u().displayName} is signed out at once. They can sign in again.</p>
            </ConfirmDialog>
            <ConfirmDialog
              title="Change the role?"
              open={confirming() === 'role'}
              onClose={() => setConfirming(null)}
              keep="Cancel"
              confirm="Change role"
              onConfirm={async () => apply(await setUserRole(u().id, newRole()), 'Role changed.')}
            >
              <p>
                {u().displayName} becomes {ROLE_LABEL[newRole()].toLowerCase()} (now {ROLE_LABEL[u().role].toLowerCase()}).
              </p>
            </ConfirmDialog>
          </div>
        )
      }}
    </Show>
  )
}

export default function AdminUser() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="User" description="Souk administration: a user." noindex />
      <div class="page-header">
        <div>
          <h1>User</h1>
          <p>Role, standing, devices, orders, shop, reports, wallet and the audit trail of one account.</p>
        </div>
        <ButtonLink href="/admin/users">All users</ButtonLink>
      </div>
      <SignedIn role="admin">
        <UserPage id={params.id} />
      </SignedIn>
    </>
  )
}

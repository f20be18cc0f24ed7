import { A } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { ExportJob } from '../components/export-job'
import type { Role } from '../../../src/modules/accounts/auth'
import { SignedIn } from '../components/auth-gate'
import { Badge, EmptyState, Listed, Loading } from '../components/feedback'
import { SelectField, TextField } from '../components/field'
import { createCursorPages, LoadMore, utcMinute } from '../components/finance-parts'
import { type AdminUserRow, exportUsers, ROLE_LABEL, searchUsers, type UserQuery } from '../lib/admin-users'
import { PageMeta } from '../lib/head'

/** Active, or suspended (until when). */
export function StandingBadge(props: { standing: AdminUserRow['standing'] }) {
  return (
    <Show when={props.standing.state === 'suspended'} fallback={<Badge tone="success">Active</Badge>}>
      <Badge tone="danger">{props.standing.until === null ? 'Suspended' : `Suspended until ${utcMinute(props.standing.until)}`}</Badge>
    </Show>
  )
}

/** Users, newest first: search by id, name or email, filter by role and standing, more by cursor. */
function UserList() {
  const [q, setQ] = createSignal('')
  const [role, setRole] = createSignal<Role | ''>('')
  const [status, setStatus] = createSignal<'active' | 'suspended' | ''>('')
  const query = (): UserQuery => ({
    ...(q().trim() === '' ? {} : { q: q().trim() }),
    ...(role() === '' ? {} : { role: role() as Role }),
    ...(status() === '' ? {} : { status: status() as 'active' | 'suspended' }),
  })
  const pages = createCursorPages({ query, read: searchUsers, pageSize: 25, failed: { load: 'Could not load the users', more: 'Could not load more users' } })
  return (
    <section class="card" aria-labelledby="users-heading">
      <div class="card__header">
        <h2 id="users-heading">Users</h2>
        <ExportJob start={() => exportUsers(query())} />
      </div>
      <div class="card__body stack">
        <form class="row" role="search" aria-label="Find users" style={{ 'align-items': 'flex-end', 'flex-wrap': 'wrap' }} onSubmit={(e) => e.preventDefault()}>
          <TextField label="Find a user" name="q" placeholder="Name, email or usr_…" value={q()} onChange={(e) => setQ(e.currentTarget.value)} />
          <SelectField
            label="Role"
            value={role()}
            onChange={(e) => setRole(e.currentTarget.value as Role | '')}
            options={[{ value: '', label: 'All roles' }, ...(['buyer', 'vendor', 'admin'] as const).map((value) => ({ value, label: ROLE_LABEL[value] }))]}
          />
          <SelectField
            label="Standing"
            value={status()}
            onChange={(e) => setStatus(e.currentTarget.value as 'active' | 'suspended' | '')}
            options={[
              { value: '', label: 'Any' },
              { value: 'active', label: 'Active' },
              { value: 'suspended', label: 'Suspended' },
            ]}
          />
        </form>
        <Listed
          items={pages.items()}
          loading={<Loading label="Loading the users" height="40px" />}
          empty={
            <EmptyState icon="user" title="No users match" headingLevel={3}>
              Try part of a name or an email address, or a user id.
            </EmptyState>
          }
        >
          {(items) => (
            <>
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">Users, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Standing</th>
                      <th scope="col">Joined</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={items()}>
                      {(user) => (
                        <tr>
                          <th scope="row">
                            <A href={`/admin/users/${user.id}`}>{user.displayName}</A>
                          </th>
                          <td>
                            {user.email} <Show when={!user.emailVerified}>{<Badge tone="warning">Unverified</Badge>}</Show>
                          </td>
                          <td>{ROLE_LABEL[user.role]}</td>
                          <td>
                            <StandingBadge standing={user.standing} />
                          </td>
                          <td>{utcMinute(user.createdAt)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <LoadMore pages={pages} />
            </>
          )}
        </Listed>
      </div>
    </section>
  )
}

export default function AdminUsers() {
  return (
    <>
      <PageMeta title="Users" description="Souk administration: users." noindex />
      <div class="page-header">
        <div>
          <h1>Users</h1>
          <p>Find an account by name, email or id; open it to change its role, suspend it or sign it out.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <UserList />
      </SignedIn>
    </>
  )
}

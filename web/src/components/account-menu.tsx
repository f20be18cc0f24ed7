import { A, useNavigate } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { signOut } from '../lib/api'
import { currentUser, type SessionUser } from '../lib/session'
import { Icon, type IconName } from './icons'
import { Avatar } from './media'
import { Menu } from './menu'
import { PresenceDot } from './presence'
import { toast } from './toast'

const item = { class: 'menu__item', role: 'menuitem', tabindex: '-1' } as const

/** The signed-in menu's links after the profile, in order; `role` keeps one to shops or admins. */
const LINKS: { href: string; icon: IconName; label: string; role?: SessionUser['role'] }[] = [
  { href: '/dashboard', icon: 'chart', label: 'Dashboard', role: 'vendor' },
  { href: '/dashboard/sales', icon: 'tag', label: 'Sales', role: 'vendor' },
  { href: '/dashboard/earnings', icon: 'briefcase', label: 'Earnings', role: 'vendor' },
  { href: '/feed', icon: 'chat', label: 'Feed' },
  { href: '/account', icon: 'settings', label: 'Account settings' },
  { href: '/orders', icon: 'bag', label: 'My orders' },
  { href: '/wallet', icon: 'briefcase', label: 'Wallet' },
  { href: '/favorites', icon: 'heart', label: 'Favorites' },
  { href: '/jobs', icon: 'activity', label: 'Jobs' },
  { href: '/help/contact', icon: 'info', label: 'Support & my tickets' },
  { href: '/help/conversations', icon: 'chat', label: 'Help conversations' },
  { href: '/admin', icon: 'shield', label: 'Admin', role: 'admin' },
]

/** The header's account menu: sign-in links for visitors, the signed-in user and their links otherwise. */
export function AccountMenu() {
  const navigate = useNavigate()
  const leave = async () => {
    try {
      await signOut()
      toast('You are signed out.', 'success')
      navigate('/')
    } catch (error) {
      toast(error instanceof Error ? error.message : 'Signing out failed; try again.', 'error')
    }
  }
  return (
    <Show
      when={currentUser()}
      fallback={
        <Menu label="Account menu" button={<Icon name="user" />}>
          <div class="menu__heading" role="presentation">
            You are not signed in
          </div>
          <A href="/signin" {...item}>
            <Icon name="login" /> Sign in
          </A>
          <A href="/signup" {...item}>
            <Icon name="plus" /> Create an account
          </A>
        </Menu>
      }
    >
      {(user) => (
        <Menu
          label="Account menu"
          buttonClass="account-button"
          button={
            <>
              <span class="presence-anchor">
                <Avatar src={user().avatarUrl} name="" size={28} />
                <PresenceDot userId={user().id} class="presence--badge" />
              </span>
              <span class="account-button__name">{user().displayName}</span>
            </>
          }
        >
          <div class="menu__heading menu__heading--user" role="presentation">
            <strong>{user().displayName}</strong>
            <span>{user().email}</span>
          </div>
          <A href={`/users/${user().id}`} {...item}>
            <Icon name="user" /> Your profile
          </A>
          <For each={LINKS.filter((link) => link.role === undefined || link.role === user().role)}>
            {(link) => (
              <A href={link.href} {...item}>
                <Icon name={link.icon} /> {link.label}
              </A>
            )}
          </For>
          <div class="menu__separator" role="separator" />
          <button type="button" {...item} onClick={() => void leave()}>
            <Icon name="logout" /> Sign out
          </button>
        </Menu>
      )}
    </Show>
  )
}

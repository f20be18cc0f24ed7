import { A, useNavigate } from '@solidjs/router'
import { Show } from 'solid-js'
import { signOut } from '../lib/api'
import { currentUser } from '../lib/session'
import { Icon } from './icons'
import { Avatar } from './media'
import { Menu } from './menu'
import { PresenceDot } from './presence'
import { toast } from './toast'

const item = { class: 'menu__item', role: 'menuitem', tabindex: '-1' } as const

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
          <Show when={user().role === 'vendor'}>
            <A href="/dashboard" {...item}>
              <Icon name="chart" /> Dashboard
            </A>
            <A href="/dashboard/sales" {...item}>
              <Icon name="tag" /> Sales
            </A>
            <A href="/dashboard/earnings" {...item}>
              <Icon name="briefcase" /> Earnings
            </A>
          </Show>
          <A href="/feed" {...item}>
            <Icon name="chat" /> Feed
          </A>
          <A href="/account" {...item}>
            <Icon name="settings" /> Account settings
          </A>
          <A href="/orders" {...item}>
            <Icon name="bag" /> My orders
          </A>
          <A href="/wallet" {...item}>
            <Icon name="briefcase" /> Wallet
          </A>
          <A href="/favorites" {...item}>
            <Icon name="heart" /> Favorites
          </A>
          <A href="/jobs" {...item}>
            <Icon name="activity" /> Jobs
          </A>
          <A href="/help/contact" {...item}>
            <Icon name="info" /> Support & my tickets
          </A>
          <A href="/help/conversations" {...item}>
            <Icon name="chat" /> Help conversations
          </A>
          <Show when={user().role === 'admin'}>
            <A href="/admin" {...item}>
              <Icon name="shield" /> Admin
            </A>
          </Show>
          <div class="menu__separator" role="separator" />
          <button type="button" {...item} onClick={() => void leave()}>
            <Icon name="logout" /> Sign out
          </button>
        </Menu>
      )}
    </Show>
  )
}

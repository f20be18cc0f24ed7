import { type RouteSectionProps, useLocation } from '@solidjs/router'
import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { currentUser } from '../lib/session'
import { AdminQueueNav } from './admin-queues'
import { Icon, type IconName } from './icons'

/** The console's sections, in the sidebar's order. `tab`: the tab of /admin the link opens. */
const SECTIONS: { href: string; label: string; icon: IconName; tab?: string }[] = [
  { href: '/admin/dashboard', label: 'Dashboard', icon: 'chart' },
  { href: '/admin', label: 'Moderation', icon: 'shield' },
  { href: '/admin/users', label: 'Users', icon: 'user' },
  { href: '/admin/orders', label: 'Orders', icon: 'bag' },
  { href: '/admin/disputes', label: 'Disputes', icon: 'flag' },
  { href: '/admin/finance', label: 'Finance', icon: 'briefcase' },
  { href: '/admin/support', label: 'Support', icon: 'chat' },
  { href: '/admin/help', label: 'Help articles', icon: 'info' },
  { href: '/admin/help/unanswered', label: 'Unanswered questions', icon: 'search' },
  { href: '/admin/plans', label: 'Plans', icon: 'star' },
  { href: '/admin/placements', label: 'Placement', icon: 'tag' },
  { href: '/admin/jobs', label: 'Jobs', icon: 'refresh' },
  { href: '/admin/audit', label: 'Audit log', icon: 'activity' },
  { href: '/admin?tab=settings', label: 'Settings', icon: 'settings', tab: 'settings' },
]

/** Where the sidebar stands beside the page (the breakpoint of `.layout-sidebar`). */
const WIDE = '(min-width: 901px)'

/**
 * The admin console: every page under /admin renders inside it (a parent route), so the sidebar —
 * the console's sections and the live queue counts — stays mounted from one admin page to the next.
 * Only an admin sees it; anyone else gets the page alone, whose own gate says why. The session is
 * known only after hydration, so the sidebar never takes part in it.
 */
export function AdminLayout(props: RouteSectionProps) {
  const isAdmin = () => currentUser()?.role === 'admin'
  return (
    <div class={isAdmin() ? 'admin-console layout-sidebar' : 'admin-console'}>
      <Show when={isAdmin()}>
        <Sidebar />
      </Show>
      <div class="admin-console__page">{props.children}</div>
    </div>
  )
}

/** Rendered in the browser only (see AdminLayout), so it may ask the window how wide it is. */
function Sidebar() {
  const media = window.matchMedia(WIDE)
  const [wide, setWide] = createSignal(media.matches)
  const follow = () => setWide(media.matches)
  media.addEventListener('change', follow)
  onCleanup(() => media.removeEventListener('change', follow))
  return (
    <aside class="admin-console__side" aria-label="Admin console">
      <ConsoleNav />
      <Queues wide={wide()} />
    </aside>
  )
}

/**
 * The sections. Plain links (the router still navigates them client-side): <A> marks the current
 * page by its path alone, and Moderation and Settings share /admin. A section's own page is the
 * current page; a page inside it (one user, one order) marks the section as the current one.
 */
function ConsoleNav() {
  const location = useLocation()
  const current = (section: (typeof SECTIONS)[number]) => {
    const path = location.pathname.replace(/\/$/, '')
    const own = section.href.split('?')[0]!
    if (own === '/admin') return path === '/admin' && (location.query.tab === 'settings') === (section.tab === 'settings') ? 'page' : undefined
    if (path === own) return 'page'
    // A page belongs to the most specific section over it: /admin/help/unanswered is a section of
    // its own, not a page inside Help articles.
    const within = (prefix: string) => path.startsWith(`${prefix}/`)
    const deeper = SECTIONS.some(({ href }) => href.length > own.length && href.startsWith(`${own}/`) && (path === href || within(href)))
    return within(own) && !deeper ? 'true' : undefined
  }
  let list!: HTMLUListElement
  // On a narrow screen the sections are one row that scrolls sideways: the current one is kept in
  // view when the page changes and when the row is laid out again (shown after a page's chunk
  // arrived, the screen turned).
  const keepCurrentInView = () => {
    const link = list.querySelector('[aria-current]')
    if (link === null || list.scrollWidth <= list.clientWidth) return
    const [box, item] = [list.getBoundingClientRect(), link.getBoundingClientRect()]
    if (item.left < box.left || item.right > box.right) list.scrollLeft += item.left - box.left - 8
  }
  createEffect(on([() => location.pathname, () => location.search], keepCurrentInView))
  const resized = new ResizeObserver(keepCurrentInView)
  onMount(() => resized.observe(list))
  onCleanup(() => resized.disconnect())
  return (
    <nav class="card card__body console-nav" aria-labelledby="console-nav-heading">
      <h2 id="console-nav-heading" class="section-title">
        Console
      </h2>
      <ul ref={list} class="queue-nav__list console-nav__list">
        <For each={SECTIONS}>
          {(section) => (
            <li>
              <a href={section.href} class="queue-nav__item console-nav__item" aria-current={current(section)}>
                <Icon name={section.icon} />
                <span>{section.label}</span>
              </a>
            </li>
          )}
        </For>
      </ul>
    </nav>
  )
}

/**
 * The queues: always open beside the page on a wide screen (the summary is hidden there); on a
 * narrow one folded under a summary with how many items wait in all, so eleven queues do not push
 * the page down.
 */
function Queues(props: { wide: boolean }) {
  const [waiting, setWaiting] = createSignal<number | null>(null)
  return (
    <details class="admin-console__queues" open={props.wide}>
      <summary class="card card__body">Queues{waiting() === null ? '' : ` (${waiting()} waiting)`}</summary>
      <AdminQueueNav onRead={(queues) => setWaiting(queues.reduce((sum, queue) => sum + queue.waiting, 0))} />
    </details>
  )
}

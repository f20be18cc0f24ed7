import { A } from '@solidjs/router'
import { ErrorBoundary, type JSX, onMount, Show, Suspense } from 'solid-js'
import { liveState } from '../lib/live'
import { currentUser } from '../lib/session'
import { effectiveTheme, initTheme, setTheme, type ThemeChoice, themeChoice, toggleTheme } from '../lib/theme'
import { AccountMenu } from './account-menu'
import { Bell } from './bell'
import { CartLink } from './cart-link'
import { InboxLink } from './chat-inbox-link'
import { HelpLauncher } from './help-launcher'
import { Icon } from './icons'
import { JobFinishedToasts } from './job-card'
import { PageError } from './page-error'
import { SearchBox } from './search-box'
import { Toaster } from './toast'

const LIVE_LABEL = {
  unavailable: 'Live updates not enabled',
  connecting: 'Connecting to live updates…',
  open: 'Live updates on',
  reconnecting: 'Reconnecting to live updates…',
} as const

function Header() {
  return (
    <header class="site-header">
      <div class="container site-header__inner">
        <A href="/" class="brand" end>
          <img src="/brand/logo.svg" alt="" width="34" height="34" />
          <span>Souk</span>
        </A>
        <SearchBox />
        <div class="header-actions">
          <button
            type="button"
            class="icon-button theme-toggle"
            aria-label="Dark theme"
            aria-pressed={effectiveTheme() === 'dark'}
            title="Toggle dark theme"
            onClick={toggleTheme}
          >
            <Icon name="moon" class="icon-moon" />
            <Icon name="sun" class="icon-sun" />
          </button>
          <CartLink />
          <Bell />
          <InboxLink />
          <AccountMenu />
        </div>
      </div>
    </header>
  )
}

function ThemeSelect() {
  return (
    <label class="row" style={{ gap: '8px' }}>
      <span>Theme</span>
      <select class="select" style={{ width: 'auto', 'min-height': '34px', padding: '4px 32px 4px 10px' }} value={themeChoice()} onChange={(e) => setTheme(e.currentTarget.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  )
}

/**
 * The footer's links follow the role: a visitor is offered to sign in, a signed-in user their
 * inbox and notifications, a shop its dashboard and jobs, an admin the console and the design
 * system. The session is known only after hydration (the server renders the visitor's footer).
 */
function Footer() {
  const role = () => currentUser()?.role ?? null
  const seller = () => role() === 'vendor'
  const admin = () => role() === 'admin'
  return (
    <footer class="site-footer">
      <div class="container">
        <div class="footer-grid">
          <div class="stack" style={{ gap: '10px' }}>
            <A href="/" class="brand" end>
              <img src="/brand/wordmark.svg" alt="Souk" width="115" height="34" style={{ width: '115px' }} />
            </A>
            <p class="muted" style={{ margin: 0 }}>
              A marketplace where you talk to the people you buy from — live.
            </p>
          </div>
          <nav aria-labelledby="footer-shop">
            <h2 id="footer-shop">Shop</h2>
            <ul>
              <li><A href="/catalog">Catalog</A></li>
              <li><A href="/vendors" end>Shops</A></li>
              <Show when={!seller()} fallback={<li><A href="/dashboard">Vendor dashboard</A></li>}>
                <li><A href="/sell">Sell on Souk</A></li>
              </Show>
              <li><A href="/plans">Plans for shops</A></li>
            </ul>
          </nav>
          <nav aria-labelledby="footer-account">
            <h2 id="footer-account">Account</h2>
            <ul>
              <Show
                when={role() !== null}
                fallback={
                  <>
                    <li><A href="/signin">Sign in</A></li>
                    <li><A href="/signup">Create an account</A></li>
                  </>
                }
              >
                <li><A href="/orders">My orders</A></li>
                <li><A href="/inbox">Inbox</A></li>
                <li><A href="/notifications">Notifications</A></li>
                <li><A href="/account">Settings</A></li>
              </Show>
              <Show when={seller() || admin()}>
                <li><A href="/jobs">Jobs</A></li>
              </Show>
            </ul>
          </nav>
          <nav aria-labelledby="footer-souk">
            <h2 id="footer-souk">Souk</h2>
            <ul>
              <li><A href="/help">Help</A></li>
              <li><A href="/help/contact">Contact support</A></li>
              {/* Plain links (the router still takes their clicks): static HTML costs the entry no code. HELP_INFO_PAGES names them; web/test/info-pages.test.ts checks they agree. */}
              <li><a href="/help/articles/terms-of-service">Terms of service</a></li>
              <li><a href="/help/articles/privacy-policy">Privacy</a></li>
              <li><a href="/help/articles/shipping-policy">Shipping</a></li>
              <li><a href="/help/articles/returns-policy">Returns</a></li>
              <li><A href="/status">System status</A></li>
              <Show when={seller() || admin()}>
                <li><a href="/api/docs">API reference</a></li>
              </Show>
              <Show when={admin()}>
                <li><A href="/design">Design system</A></li>
                <li><A href="/admin">Admin</A></li>
              </Show>
            </ul>
          </nav>
        </div>
        <div class="footer-bottom">
          <span>© Souk</span>
          {/* Live updates are a signed-in user's: a visitor is not told they are off. */}
          <Show when={role() !== null}>
            <span class="live-status" data-state={liveState()} role="status">
              {LIVE_LABEL[liveState()]}
            </span>
          </Show>
          <ThemeSelect />
        </div>
      </div>
    </footer>
  )
}

/** The page frame every route renders inside. */
export function Shell(props: { children?: JSX.Element }) {
  onMount(initTheme)
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabindex="-1">
        <div class="container">
          <ErrorBoundary fallback={(error, reset) => <PageError error={error} reset={reset} />}>
            <Suspense>{props.children}</Suspense>
          </ErrorBoundary>
        </div>
      </main>
      <Footer />
      <HelpLauncher />
      <Toaster />
      <JobFinishedToasts />
    </>
  )
}

import { onMount } from 'solid-js'
import { hydrate } from 'solid-js/web'
import { App } from './app'
import { restoreSession } from './lib/api'
import { boot } from './lib/boot'
import { connectLive } from './lib/live'
import { pageHydrated } from './lib/session'
import './styles/app.css'

hydrate(() => {
  // A stable signal that the page is interactive, for tests and for CSS that needs JS. Not set
  // after hydrate() returns: a lazy() page loaded directly hydrates only once its chunk arrives.
  // Solid holds a hydration's effects until every lazy() component it met has loaded and
  // hydrated (solid-js 1.9: sharedConfig.count), so this onMount runs with the whole page live.
  onMount(() => {
    pageHydrated()
    document.documentElement.dataset.hydrated = 'true'
  })
  return <App />
}, document.getElementById('app')!)

// Only when the page came with a refresh cookie: an anonymous visit never asks (and never 401s).
void restoreSession()
if (boot().realtime) connectLive()

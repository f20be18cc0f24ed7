import { hydrate } from 'solid-js/web'
import { App } from './app'
import { restoreSession } from './lib/api'
import { boot } from './lib/boot'
import { connectLive } from './lib/live'
import './styles/app.css'

hydrate(() => <App />, document.getElementById('app')!)
// A stable signal that the page is interactive, for tests and for CSS that needs JS.
document.documentElement.dataset.hydrated = 'true'

// Only when the page came with a refresh cookie: an anonymous visit never asks (and never 401s).
void restoreSession()
if (boot().realtime) connectLive()

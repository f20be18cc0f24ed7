import { hydrate } from 'solid-js/web'
import type { BootConfig } from '../../src/web/contract'
import { App } from './app'
import { connectLive } from './lib/live'
import './styles/app.css'

const boot = JSON.parse(document.getElementById('souk-boot')?.textContent ?? '{}') as Partial<BootConfig>

hydrate(() => <App />, document.getElementById('app')!)
// A stable signal that the page is interactive, for tests and for CSS that needs JS.
document.documentElement.dataset.hydrated = 'true'

if (boot.realtime === true) connectLive()

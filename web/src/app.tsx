import { type RouteDefinition, Router } from '@solidjs/router'
import { Shell } from './components/shell'
import Account from './routes/account'
import Admin from './routes/admin'
import Catalog from './routes/catalog'
import Design from './routes/design'
import Home from './routes/home'
import Inbox from './routes/inbox'
import Jobs from './routes/jobs'
import NotFound from './routes/not-found'
import Notifications from './routes/notifications'
import Product from './routes/product'
import SignIn from './routes/signin'
import SignUp from './routes/signup'
import Status, { route as statusRoute } from './routes/status'
import Vendor from './routes/vendor'

/**
 * Every page. Components are imported eagerly: the whole client is far under its size budget, and
 * eager routes hydrate without waiting for a chunk. Split with lazy() when that stops being true.
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: Home },
  { path: '/catalog', component: Catalog },
  { path: '/products/:id', component: Product },
  { path: '/vendors/:slug', component: Vendor },
  { path: '/signin', component: SignIn },
  { path: '/signup', component: SignUp },
  { path: '/account', component: Account },
  { path: '/inbox', component: Inbox },
  { path: '/notifications', component: Notifications },
  { path: '/jobs', component: Jobs },
  { path: '/admin', component: Admin },
  { path: '/status', component: Status, ...statusRoute },
  { path: '/design', component: Design },
  { path: '*404', component: NotFound },
]

/** `url` is given on the server; in the browser the router reads window.location. */
export function App(props: { url?: string }) {
  return (
    <Router url={props.url} root={Shell}>
      {routes}
    </Router>
  )
}

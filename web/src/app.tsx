import { type RouteDefinition, Router } from '@solidjs/router'
import { lazy } from 'solid-js'
import { Shell } from './components/shell'
import Account from './routes/account'
import Admin from './routes/admin'
import AdminJobs from './routes/admin-jobs'
import Catalog, { route as catalogRoute } from './routes/catalog'
import Dashboard from './routes/dashboard'
import EditProduct from './routes/dashboard/edit-product'
import NewProduct from './routes/dashboard/new-product'
import DevMail, { route as devMailRoute } from './routes/dev-mail'
import ForgotPassword from './routes/forgot-password'
import Home, { route as homeRoute } from './routes/home'
import Inbox from './routes/inbox'
import Jobs from './routes/jobs'
import NotFound from './routes/not-found'
import Notifications from './routes/notifications'
import Product, { route as productRoute } from './routes/product'
import ResetPassword from './routes/reset-password'
import Sell from './routes/sell'
import SignIn from './routes/signin'
import ShopDirectory, { route as shopDirectoryRoute } from './routes/shop-directory'
import SignUp from './routes/signup'
import Status, { route as statusRoute } from './routes/status'
import UserProfile, { route as userRoute } from './routes/user'
import Vendor, { route as vendorRoute } from './routes/vendor'
import Verify from './routes/verify'

// Loaded on demand: the entry chunk is near its size budget (web/test/budget.test.ts). The design
// page (the components on show) is for the people who build Souk, not a visitor's first page.
const Design = lazy(() => import('./routes/design'))
const Favorites = lazy(() => import('./routes/favorites'))
const ImportExport = lazy(() => import('./routes/dashboard/import-export'))
// The order screens (buyer, shop, admins) share one chunk (see routes/orders-screens.ts).
const orderScreens = () => import('./routes/orders-screens')
const Sales = lazy(() => orderScreens().then((m) => ({ default: m.Sales })))
const Sale = lazy(() => orderScreens().then((m) => ({ default: m.Sale })))
const Shipping = lazy(() => orderScreens().then((m) => ({ default: m.Shipping })))
const AdminOrders = lazy(() => orderScreens().then((m) => ({ default: m.AdminOrders })))
const AdminOrder = lazy(() => orderScreens().then((m) => ({ default: m.AdminOrder })))
const Checkout = lazy(() => orderScreens().then((m) => ({ default: m.Checkout })))
const OrderPlaced = lazy(() => orderScreens().then((m) => ({ default: m.OrderPlaced })))
const MyOrders = lazy(() => orderScreens().then((m) => ({ default: m.MyOrders })))
const MyOrder = lazy(() => orderScreens().then((m) => ({ default: m.MyOrder })))
const Addresses = lazy(() => import('./routes/account/addresses'))
const CartPage = lazy(() => import('./routes/cart'))

/**
 * Every page. Most are imported eagerly (they hydrate without waiting for a chunk); pages added
 * since the entry neared its budget are lazy() above.
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: Home, ...homeRoute },
  { path: '/catalog', component: Catalog, ...catalogRoute },
  { path: '/products/:slug', component: Product, ...productRoute },
  { path: '/vendors', component: ShopDirectory, ...shopDirectoryRoute },
  { path: '/vendors/:slug', component: Vendor, ...vendorRoute },
  { path: '/sell', component: Sell },
  { path: '/dashboard', component: Dashboard },
  { path: '/dashboard/products/new', component: NewProduct },
  { path: '/dashboard/import-export', component: ImportExport },
  { path: '/dashboard/sales', component: Sales },
  { path: '/dashboard/sales/:id', component: Sale },
  { path: '/dashboard/shipping', component: Shipping },
  { path: '/dashboard/products/:slug', component: EditProduct },
  { path: '/signin', component: SignIn },
  { path: '/signup', component: SignUp },
  { path: '/verify', component: Verify },
  { path: '/forgot-password', component: ForgotPassword },
  { path: '/reset-password', component: ResetPassword },
  { path: '/account', component: Account },
  { path: '/account/addresses', component: Addresses },
  { path: '/users/:id', component: UserProfile, ...userRoute },
  { path: '/dev/mail', component: DevMail, ...devMailRoute },
  // One route, so opening a thread keeps the list mounted.
  { path: '/inbox/:id?', component: Inbox },
  { path: '/notifications', component: Notifications },
  { path: '/favorites', component: Favorites },
  { path: '/cart', component: CartPage },
  { path: '/checkout', component: Checkout },
  { path: '/orders', component: MyOrders },
  { path: '/orders/placed/:groupId', component: OrderPlaced },
  { path: '/orders/:id', component: MyOrder },
  { path: '/jobs', component: Jobs },
  { path: '/admin', component: Admin },
  { path: '/admin/jobs', component: AdminJobs },
  { path: '/admin/orders', component: AdminOrders },
  { path: '/admin/orders/:id', component: AdminOrder },
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

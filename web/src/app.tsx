import { type RouteDefinition, Router } from '@solidjs/router'
import { lazy } from 'solid-js'
import { Shell } from './components/shell'
import Account from './routes/account'
import Catalog, { route as catalogRoute } from './routes/catalog'
import DevMail, { route as devMailRoute } from './routes/dev-mail'
import ForgotPassword from './routes/forgot-password'
import Home, { route as homeRoute } from './routes/home'
import Inbox from './routes/inbox'
import NotFound from './routes/not-found'
import Notifications from './routes/notifications'
import Product, { route as productRoute } from './routes/product'
import ResetPassword from './routes/reset-password'
import SignIn from './routes/signin'
import ShopDirectory, { route as shopDirectoryRoute } from './routes/shop-directory'
import SignUp from './routes/signup'
import Status, { route as statusRoute } from './routes/status'
import UserProfile, { route as userRoute } from './routes/user'
import Vendor, { route as vendorRoute } from './routes/vendor'
import Verify from './routes/verify'

// Loaded on demand: the entry chunk is near its size budget (web/test/budget.test.ts). The design
// page (the components on show) is for the people who build Souk, not a visitor's first page.
const Admin = lazy(() => import('./routes/admin'))
// The admin console's layout (sidebar: sections and queues) around every admin page; admins only, so on demand too.
const AdminLayout = lazy(() => import('./components/admin-layout').then((m) => ({ default: m.AdminLayout })))
const AdminJobs = lazy(() => import('./routes/admin-jobs'))
const AdminDashboard = lazy(() => import('./routes/admin-dashboard'))
const AdminPlacements = lazy(() => import('./routes/admin-placements'))
const Design = lazy(() => import('./routes/design'))
const Favorites = lazy(() => import('./routes/favorites'))
// A shop's own screens (its products and their editor): a visitor's page does not load them.
const Dashboard = lazy(() => import('./routes/dashboard'))
const NewProduct = lazy(() => import('./routes/dashboard/new-product'))
const EditProduct = lazy(() => import('./routes/dashboard/edit-product'))
const ImportExport = lazy(() => import('./routes/dashboard/import-export'))
// A signed-in person's exports and imports (with the job card), reached from a toast or the menu, never a first page.
const Jobs = lazy(() => import('./routes/jobs'))
// The order screens (buyer, shop, admins) share one chunk (see routes/orders-screens.ts).
const orderScreens = () => import('./routes/orders-screens')
const Sales = lazy(() => orderScreens().then((m) => ({ default: m.Sales })))
const Sale = lazy(() => orderScreens().then((m) => ({ default: m.Sale })))
const Returns = lazy(() => orderScreens().then((m) => ({ default: m.Returns })))
const Shipping = lazy(() => orderScreens().then((m) => ({ default: m.Shipping })))
const AdminOrders = lazy(() => orderScreens().then((m) => ({ default: m.AdminOrders })))
const AdminOrder = lazy(() => orderScreens().then((m) => ({ default: m.AdminOrder })))
const AdminDisputes = lazy(() => orderScreens().then((m) => ({ default: m.AdminDisputes })))
const AdminDispute = lazy(() => orderScreens().then((m) => ({ default: m.AdminDispute })))
const AdminFinance = lazy(() => orderScreens().then((m) => ({ default: m.AdminFinance })))
const Earnings = lazy(() => orderScreens().then((m) => ({ default: m.Earnings })))
const Checkout = lazy(() => orderScreens().then((m) => ({ default: m.Checkout })))
const OrderPlaced = lazy(() => orderScreens().then((m) => ({ default: m.OrderPlaced })))
const MyOrders = lazy(() => orderScreens().then((m) => ({ default: m.MyOrders })))
const MyOrder = lazy(() => orderScreens().then((m) => ({ default: m.MyOrder })))
const Wallet = lazy(() => orderScreens().then((m) => ({ default: m.Wallet })))
const Addresses = lazy(() => import('./routes/account/addresses'))
const CartPage = lazy(() => import('./routes/cart'))
// Help and the admins' support screens share one chunk (see routes/support-screens.ts).
const supportScreens = () => import('./routes/support-screens')
const Help = lazy(() => supportScreens().then((m) => ({ default: m.Help })))
const HelpTicket = lazy(() => supportScreens().then((m) => ({ default: m.HelpTicket })))
const AdminSupport = lazy(() => supportScreens().then((m) => ({ default: m.AdminSupport })))
const AdminTicket = lazy(() => supportScreens().then((m) => ({ default: m.AdminTicket })))
const Conversations = lazy(() => supportScreens().then((m) => ({ default: m.Conversations })))
const ConversationPage = lazy(() => supportScreens().then((m) => ({ default: m.ConversationPage })))
const AdminUnanswered = lazy(() => supportScreens().then((m) => ({ default: m.AdminUnanswered })))
// The help centre's pages share one chunk (with the Markdown renderer); the admins' editor is its own.
const helpScreens = () => import('./routes/help-centre')
const HelpCentre = lazy(() => helpScreens().then((m) => ({ default: m.HelpCentre })))
const HelpCategory = lazy(() => helpScreens().then((m) => ({ default: m.HelpCategoryPage })))
const HelpArticle = lazy(() => helpScreens().then((m) => ({ default: m.HelpArticlePage })))
const AdminHelp = lazy(() => import('./routes/admin-help'))
// The plans' screens share one chunk (see routes/plans-screens.ts).
const planScreens = () => import('./routes/plans-screens')
const Plans = lazy(() => planScreens().then((m) => ({ default: m.Plans })))
const DashboardPlan = lazy(() => planScreens().then((m) => ({ default: m.DashboardPlan })))
const AdminPlans = lazy(() => planScreens().then((m) => ({ default: m.AdminPlans })))
// The audit log's screens share one chunk (see routes/audit-screens.ts).
const AdminAudit = lazy(() => import('./routes/audit-screens').then((m) => ({ default: m.AdminAudit })))
// The admins' user screens share one chunk (see routes/admin-users-screens.ts).
const AdminUsers = lazy(() => import('./routes/admin-users-screens').then((m) => ({ default: m.AdminUsers })))
const AdminUser = lazy(() => import('./routes/admin-users-screens').then((m) => ({ default: m.AdminUser })))
// Applying to sell: once per shop.
const Sell = lazy(() => import('./routes/sell'))

// The social screens share one chunk (see routes/social-screens.ts).
const socialScreens = () => import('./routes/social-screens')
// Opened from a digest email's link, signed in or not.
const Unsubscribe = lazy(() => import('./routes/unsubscribe'))
const Feed = lazy(() => socialScreens().then((m) => ({ default: m.Feed })))
const PostPage = lazy(() => socialScreens().then((m) => ({ default: m.PostPage })))
const PostSearch = lazy(() => socialScreens().then((m) => ({ default: m.PostSearch })))
const TagPage = lazy(() => socialScreens().then((m) => ({ default: m.TagPage })))
const FollowRequests = lazy(() => socialScreens().then((m) => ({ default: m.FollowRequests })))

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
  { path: '/plans', component: Plans },
  { path: '/sell', component: Sell },
  { path: '/dashboard', component: Dashboard },
  { path: '/dashboard/products/new', component: NewProduct },
  { path: '/dashboard/import-export', component: ImportExport },
  { path: '/dashboard/sales', component: Sales },
  { path: '/dashboard/sales/:id', component: Sale },
  { path: '/dashboard/returns', component: Returns },
  { path: '/dashboard/shipping', component: Shipping },
  { path: '/dashboard/earnings', component: Earnings },
  { path: '/dashboard/plan', component: DashboardPlan },
  { path: '/dashboard/products/:slug', component: EditProduct },
  { path: '/signin', component: SignIn },
  { path: '/signup', component: SignUp },
  { path: '/verify', component: Verify },
  { path: '/forgot-password', component: ForgotPassword },
  { path: '/reset-password', component: ResetPassword },
  { path: '/account', component: Account },
  { path: '/account/addresses', component: Addresses },
  { path: '/account/follow-requests', component: FollowRequests },
  { path: '/users/:id', component: UserProfile, ...userRoute },
  { path: '/feed', component: Feed },
  { path: '/posts/search', component: PostSearch },
  { path: '/posts/:id', component: PostPage },
  { path: '/tags/:tag', component: TagPage },
  { path: '/dev/mail', component: DevMail, ...devMailRoute },
  // One route, so opening a thread keeps the list mounted.
  { path: '/inbox/:id?', component: Inbox },
  { path: '/notifications', component: Notifications },
  { path: '/notifications/unsubscribe', component: Unsubscribe },
  { path: '/favorites', component: Favorites },
  { path: '/cart', component: CartPage },
  { path: '/checkout', component: Checkout },
  { path: '/orders', component: MyOrders },
  { path: '/orders/placed/:groupId', component: OrderPlaced },
  { path: '/orders/:id', component: MyOrder },
  { path: '/wallet', component: Wallet },
  { path: '/jobs', component: Jobs },
  // One parent for the admin console: its sidebar (sections, live queue counts) stays mounted from one admin page to the next.
  {
    path: '/admin',
    component: AdminLayout,
    children: [
      { path: '/', component: Admin },
      { path: '/dashboard', component: AdminDashboard },
      { path: '/jobs', component: AdminJobs },
      { path: '/orders', component: AdminOrders },
      { path: '/orders/:id', component: AdminOrder },
      { path: '/finance', component: AdminFinance },
      { path: '/disputes', component: AdminDisputes },
      { path: '/disputes/:id', component: AdminDispute },
      { path: '/support', component: AdminSupport },
      { path: '/support/:id', component: AdminTicket },
      { path: '/audit', component: AdminAudit },
      { path: '/users', component: AdminUsers },
      { path: '/users/:id', component: AdminUser },
      { path: '/plans', component: AdminPlans },
      { path: '/placements', component: AdminPlacements },
      { path: '/help', component: AdminHelp },
      { path: '/help/unanswered', component: AdminUnanswered },
    ],
  },
  { path: '/help', component: HelpCentre },
  { path: '/help/category/:category', component: HelpCategory },
  { path: '/help/articles/:slug', component: HelpArticle },
  { path: '/help/contact', component: Help },
  { path: '/help/tickets/:id', component: HelpTicket },
  { path: '/help/conversations', component: Conversations },
  { path: '/help/conversations/:id', component: ConversationPage },
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

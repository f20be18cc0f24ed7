// The screens of orders (the buyer's checkout and orders, the shop's and admins'), loaded on demand
// as ONE chunk (app.tsx and the admin category screen pick theirs from it). Lazy pages that shared lib/orders.ts and the order
// components would make a common chunk, and the bundler then moves every entry module that chunk
// uses (the API client, buttons, fields, ...) out of the entry into preloaded chunks of their own,
// which costs the entry some 3.5 KB gzip of its budget (web/test/budget.test.ts). Screens that use
// lib/orders.ts or the order components belong here too. (Rolldown, open issue #10731.)
export { default as AdminOrder } from './admin-order'
export { default as AdminOrders } from './admin-orders'
export { default as AdminDispute } from './admin-dispute'
export { default as AdminDisputes } from './admin-disputes'
export { default as AdminFinance } from './admin/finance'
export { default as Checkout } from './checkout'
export { default as MyOrder } from './my-order'
export { default as MyOrders } from './my-orders'
export { default as OrderPlaced } from './order-placed'
export { default as TaxRates } from './admin/tax-rates'
export { default as Earnings } from './dashboard/earnings'
export { default as Returns } from './dashboard/returns'
export { default as Sale } from './dashboard/sale'
export { default as Sales } from './dashboard/sales'
export { default as Shipping } from './dashboard/shipping'
export { default as Wallet } from './wallet'

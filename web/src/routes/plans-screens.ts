// The screens of shop plans (the public comparison, the shop's plan, the admins' plans), loaded on
// demand as ONE chunk: they share lib/plans.ts and components/plan-parts.tsx, which separate lazy
// chunks would split into a common chunk (see orders-screens.ts for what that costs the entry).
export { default as AdminPlans } from './admin/plans'
export { default as DashboardPlan } from './dashboard/plan'
export { default as Plans } from './plans'

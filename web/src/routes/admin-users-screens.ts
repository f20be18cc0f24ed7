// The admins' user screens (the list and a user's page), loaded on demand as ONE chunk: two lazy
// chunks sharing lib/admin-users.ts would make a common chunk (see orders-screens.ts).
export { default as AdminUser } from './admin-user'
export { default as AdminUsers } from './admin-users'

// The support screens (Help with my tickets, a ticket's thread, the admins' queue and ticket, and
// the help assistant's: the launcher's panel, Help → Conversations, the unanswered questions),
// loaded on demand as ONE chunk (app.tsx picks each from it): they share the ticket thread and
// lib/support.ts, which as separate lazy pages would make a common chunk of their own (see
// orders-screens.ts for what that costs the entry).
export { AdminUnanswered, AssistantPanel, ConversationPage, Conversations } from './assistant'
export { default as AdminSupport } from './admin-support'
export { default as AdminTicket } from './admin-ticket'
export { default as Help } from './help'
export { default as HelpTicket } from './help-ticket'

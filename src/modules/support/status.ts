// Support's closed lists and state machine, browser-safe (plain constants): screens show the same
// names and offer only the moves the server allows.

export const TICKET_CATEGORIES = ['order', 'payment', 'account', 'listing', 'other'] as const
export type TicketCategory = (typeof TICKET_CATEGORIES)[number]

/**
 * `open` (waiting on staff) → `pending` (waiting on the requester) → `solved` → `closed`.
 * A staff reply makes a ticket pending; a requester's reply makes it open again, a solved one too
 * within REOPEN_DAYS of solving (after that: a new ticket); admins set any status but closed is
 * final; a solved ticket closes by itself CLOSE_AFTER_DAYS after solving (the hourly job).
 */
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]

/** Who wrote a message: the signed-in requester, a visitor (through the emailed link) or staff (an admin). */
export const TICKET_AUTHOR_KINDS = ['user', 'visitor', 'staff'] as const
export type TicketAuthorKind = (typeof TICKET_AUTHOR_KINDS)[number]

/** Days after solving during which the requester's reply reopens a ticket. */
export const REOPEN_DAYS = 7
/** Days after solving when the hourly job closes a ticket (closed is final). */
export const CLOSE_AFTER_DAYS = 7

/**
 * Who moves a ticket, from where. `requester` is the signed-in requester or the visitor holding
 * the link; `staff` any admin; `system` the closing job. A reply by the requester to a solved
 * ticket counts only within REOPEN_DAYS of solving (the service checks the date).
 */
export const TICKET_STEPS = {
  requester_reply: { from: ['open', 'pending', 'solved'], to: 'open', by: 'requester' },
  staff_reply: { from: ['open', 'pending', 'solved'], to: 'pending', by: 'staff' },
  set_open: { from: ['pending', 'solved'], to: 'open', by: 'staff' },
  set_pending: { from: ['open', 'solved'], to: 'pending', by: 'staff' },
  solve: { from: ['open', 'pending'], to: 'solved', by: 'staff' },
  close: { from: ['open', 'pending', 'solved'], to: 'closed', by: 'staff' },
  expire: { from: ['solved'], to: 'closed', by: 'system' },
} as const satisfies Record<string, { from: readonly TicketStatus[]; to: TicketStatus; by: 'requester' | 'staff' | 'system' }>
export type TicketStep = keyof typeof TICKET_STEPS

/** The steps an admin takes by setting the status (PATCH); the others are replies and the job. */
export const STATUS_STEPS = ['set_open', 'set_pending', 'solve', 'close'] as const satisfies readonly TicketStep[]

/** The statuses an admin may set a ticket in `status` to now. */
export const staffStatusMoves = (status: TicketStatus): TicketStatus[] =>
  STATUS_STEPS.filter((name) => (TICKET_STEPS[name].from as readonly TicketStatus[]).includes(status)).map((name) => TICKET_STEPS[name].to)

/** At most this many images per message. */
export const TICKET_ATTACHMENT_LIMIT = 3

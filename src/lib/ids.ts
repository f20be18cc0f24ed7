import { t } from 'elysia/type-system'

/** Every id prefix in use, one place: a log line or a URL says what an id is. */
export const ID_PREFIXES = {
  user: 'usr',
  session: 'ses',
  mail: 'mail',
  vendor: 'ven',
  category: 'cat',
  product: 'prd',
  productImage: 'img',
  productVideo: 'vid',
  share: 'shr',
  report: 'rpt',
  notification: 'ntf',
  job: 'job',
  conversation: 'cnv',
  message: 'msg',
  block: 'blk',
  address: 'adr',
  shippingOption: 'shp',
  taxRate: 'txr',
  orderGroup: 'ogr',
  order: 'ord',
  ledgerTransfer: 'ltr',
  reconciliation: 'rec',
  payment: 'pay',
  refund: 'rfd',
  payoutMethod: 'pom',
  withdrawal: 'wdr',
  shipment: 'shm',
  dispute: 'dsp',
  returnRequest: 'ret',
  orderCancellation: 'occ',
  ticket: 'tkt',
  ticketMessage: 'tkm',
  plan: 'pln',
  planCharge: 'plc',
  boost: 'bst',
  placementApplication: 'pla',
  review: 'rev',
  reviewReport: 'rvr',
  auditEntry: 'aud',
  post: 'pst',
  postComment: 'pcm',
  postMedia: 'pmd',
  helpArticle: 'hlp',
  assistantSession: 'ast',
  assistantMessage: 'asm',
  unansweredQuestion: 'asq',
} as const

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES]
export type Id<P extends IdPrefix> = `${P}_${string}`

/**
 * A new id: the prefix and a UUIDv7 without dashes (32 hex digits). UUIDv7 starts with the
 * time, so ids sort by creation and keyset pages can order by id alone.
 */
export function newId<P extends IdPrefix>(prefix: P): Id<P> {
  return `${prefix}_${Bun.randomUUIDv7().replaceAll('-', '')}`
}

/** The TypeBox schema of an id with this prefix (route params, bodies, responses). */
export function idSchema<P extends IdPrefix>(prefix: P, options: { description?: string } = {}) {
  return t.String({ pattern: `^${prefix}_[0-9a-f]{32}$`, ...options })
}

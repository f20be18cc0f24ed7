// The help centre's categories and limits, browser-safe (plain constants): the model's schemas, the
// table's checks and the screens share them.

/** Every category, in the order the help centre lists them. */
export const HELP_CATEGORIES = ['buying', 'paying', 'escrow', 'shipping', 'returns', 'disputes', 'selling', 'plans', 'account'] as const
export type HelpCategory = (typeof HELP_CATEGORIES)[number]

export const HELP_CATEGORY_LABEL: Record<HelpCategory, string> = {
  buying: 'Buying',
  paying: 'Paying',
  escrow: 'Escrow and payment protection',
  shipping: 'Shipping and tracking',
  returns: 'Returns',
  disputes: 'Disputes',
  selling: 'Selling',
  plans: 'Plans and boosts',
  account: 'Account and security',
}

/** A slug: lower-case letters and digits in words joined by single hyphens (`start-a-return`). */
export const HELP_SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$'

export const HELP_LIMITS = {
  slugMax: 80,
  titleMin: 3,
  titleMax: 150,
  bodyMax: 20_000,
  keywordMax: 40,
  keywordsMax: 20,
  /** A search's text, in characters. */
  queryMax: 200,
  /** The most hits one search answers. */
  searchMax: 20,
} as const

// The info pages, browser-safe (a plain constant in a file of its own: the footer, in the entry
// chunk, imports it and nothing else of help).

/**
 * The info pages the footer links: articles seeded by migration `info_pages` (admins edit them like
 * any other), each also reached at a short address that redirects to it.
 */
export const HELP_INFO_PAGES = [
  { path: '/terms', slug: 'terms-of-service', label: 'Terms of service' },
  { path: '/privacy', slug: 'privacy-policy', label: 'Privacy' },
  { path: '/shipping', slug: 'shipping-policy', label: 'Shipping' },
  { path: '/returns', slug: 'returns-policy', label: 'Returns' },
] as const

// The rules of a handle (the @name others mention) as data: its form, the words no one may take,
// and the handle a display name suggests. No server import: the web client may use them too.

export const HANDLE_MIN = 3
export const HANDLE_MAX = 30
/** A handle as stored: lower-case ASCII letters, digits and `_` (so the unique index is case-insensitive). */
export const HANDLE = new RegExp(`^[a-z0-9_]{${HANDLE_MIN},${HANDLE_MAX}}$`)

/**
 * Words that would pass for Souk speaking, or for a page, refused as handles (a sign-up whose name
 * slugs to one gets a number after it). Kept lower-case.
 */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  'about', 'abuse', 'account', 'accounts', 'admin', 'administrator', 'all', 'api', 'billing', 'deleted', 'everyone', 'feed',
  'help', 'here', 'login', 'logout', 'mod', 'moderator', 'no_reply', 'noreply', 'notifications', 'null', 'official', 'postmaster',
  'posts', 'root', 'search', 'security', 'settings', 'signin', 'signup', 'souk', 'souk_team', 'staff', 'support', 'system', 'tags',
  'team', 'undefined', 'users', 'www',
])

export const isReservedHandle = (handle: string) => RESERVED_HANDLES.has(handle)

// Latin letters that Unicode does not decompose into a base letter and a mark.
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' }

/**
 * A display name as a handle's stem: ASCII-folded (é → e, ß → ss), lower-case, each run of other
 * characters one `_`, none at either end, at most HANDLE_MAX. May be shorter than HANDLE_MIN, or
 * empty (a name in another script): `handleCandidates` then falls back on `user`.
 */
export function slugOf(displayName: string): string {
  const folded = displayName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c]!)
  return trimUnderscores(folded.replace(/[^a-z0-9]+/g, '_').slice(0, HANDLE_MAX))
}

const trimUnderscores = (text: string) => text.replace(/^_+|_+$/g, '')

/** `stem` and a number after it, cut to fit HANDLE_MAX. */
const numbered = (stem: string, n: number) => `${trimUnderscores(stem.slice(0, HANDLE_MAX - 1 - String(n).length)) || 'user'}_${n}`

/**
 * Handles to try, in order, for an account named `displayName`: its slug when that is a handle no
 * one reserved, then the slug with a short number after it (two digits, then more, drawn at random,
 * so sign-ups with one name do not all race for the same next number).
 */
export function handleCandidates(displayName: string, random: () => number = Math.random): string[] {
  const slug = slugOf(displayName)
  const stem = slug === '' ? 'user' : slug
  const candidates = HANDLE.test(slug) && !isReservedHandle(slug) ? [slug] : []
  for (const digits of [2, 2, 2, 3, 3, 4, 4, 6, 6]) {
    const low = 10 ** (digits - 1)
    candidates.push(numbered(stem, low + Math.floor(random() * (9 * low))))
  }
  return [...new Set(candidates)]
}

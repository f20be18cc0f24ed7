/**
 * Return paths (`?next=`) through the sign-in screens. Only same-site paths are honoured, so a
 * crafted link cannot send someone elsewhere after they sign in (no open redirect).
 */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/'
}

/** `path` with `?next=` (or `&next=`) appended, unless the return target is the home page. */
export function withNext(path: string, next: string): string {
  const target = safeNext(next)
  if (target === '/') return path
  return `${path}${path.includes('?') ? '&' : '?'}next=${encodeURIComponent(target)}`
}

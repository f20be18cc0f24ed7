/**
 * Dates and devices in words. Fixed to English and UTC where the server renders, so the server's
 * HTML and the hydrated page print the same text.
 */

const MONTH_YEAR = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' })
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/** "March 2026". */
export function monthYear(value: Date | string): string {
  return MONTH_YEAR.format(new Date(value))
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

/** Midnight (local) of a date field's day (`2026-03-12`); `next` gives the day after, for an inclusive "to". */
export function dayStart(value: string, next = false): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (match === null) return undefined
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (next ? 1 : 0))
}

/** "just now", "5 minutes ago", "yesterday", … relative to `now`. */
export function timeAgo(value: Date | string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000)
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit)
  }
  return 'just now'
}

/** "Firefox on Windows" from a User-Agent header, or a plain fallback. Good enough to recognise a device. */
export function describeDevice(userAgent: string | null): { label: string; mobile: boolean } {
  if (userAgent === null || userAgent === '') return { label: 'Unknown device', mobile: false }
  const ua = userAgent
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /HeadlessChrome\//.test(ua)
          ? 'Headless Chrome'
          : /Chrome\/|CriOS\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : null
  const system = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null
  const mobile = /Mobile|iPhone|Android/.test(ua)
  if (browser !== null && system !== null) return { label: `${browser} on ${system}`, mobile }
  return { label: browser ?? system ?? ua.slice(0, 60), mobile }
}

import { describe, expect, it } from 'bun:test'
import { describeDevice, monthYear, timeAgo } from '../src/lib/format'
import { safeNext, withNext } from '../src/lib/next'

describe('safeNext()', () => {
  it('keeps same-site paths and refuses everything that could leave the site', () => {
    expect(safeNext('/account?tab=devices')).toBe('/account?tab=devices')
    for (const hostile of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', undefined, ['/a']]) expect(safeNext(hostile)).toBe('/')
  })

  it('appends the return path unless it is the home page', () => {
    expect(withNext('/signin', '/account')).toBe('/signin?next=%2Faccount')
    expect(withNext('/verify?email=a%40b.c', '/inbox')).toBe('/verify?email=a%40b.c&next=%2Finbox')
    expect(withNext('/signin', '/')).toBe('/signin')
  })
})

describe('format', () => {
  it('names devices from their user agent', () => {
    expect(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toEqual({ label: 'Safari on iOS', mobile: true })
    expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0')).toEqual({ label: 'Edge on Windows', mobile: false })
    expect(describeDevice(null).label).toBe('Unknown device')
    expect(describeDevice('curl/8.5.0').label).toBe('curl/8.5.0')
  })

  it('says how long ago, and which month, in words that do not depend on the time zone', () => {
    const now = Date.parse('2026-03-10T12:00:00Z')
    expect(timeAgo(new Date(now - 20_000), now)).toBe('just now')
    expect(timeAgo(new Date(now - 5 * 60_000), now)).toBe('5 minutes ago')
    expect(timeAgo('2026-03-09T11:00:00Z', now)).toBe('yesterday')
    expect(monthYear('2026-03-01T00:30:00Z')).toBe('March 2026')
  })
})

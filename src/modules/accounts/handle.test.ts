import { describe, expect, it } from 'bun:test'
import { HANDLE, handleCandidates, slugOf } from './handle'

describe('slugOf()', () => {
  it('folds a display name to ASCII, lower-case, one _ for each run of anything else', () => {
    expect(slugOf('Karim Aït Ouali')).toBe('karim_ait_ouali')
    expect(slugOf('  Łódź — Straße!! ')).toBe('lodz_strasse')
    expect(slugOf('Ørsted & Æther')).toBe('orsted_aether')
    expect(slugOf('محمد')).toBe('')
    expect(slugOf('a very long display name that goes past thirty characters')).toBe('a_very_long_display_name_that')
  })
})

describe('handleCandidates()', () => {
  it('tries the slug first, then the slug with a short number, every one a valid handle', () => {
    const candidates = handleCandidates('Ana Lopez')
    expect(candidates[0]).toBe('ana_lopez')
    expect(candidates[1]).toMatch(/^ana_lopez_\d{2}$/)
    for (const handle of candidates) expect(handle).toMatch(HANDLE)
  })

  it('numbers a slug that is reserved, too short or empty, and cuts a long one to fit', () => {
    expect(handleCandidates('Admin')[0]).toMatch(/^admin_\d{2}$/)
    expect(handleCandidates('Al')[0]).toMatch(/^al_\d{2}$/)
    expect(handleCandidates('محمد')[0]).toMatch(/^user_\d{2}$/)
    for (const handle of handleCandidates('x'.repeat(60))) expect(handle).toMatch(HANDLE)
  })
})

import { describe, expect, it } from 'bun:test'
import { isTagName, MENTIONS_PER_TEXT, normalizeTag, parseTags } from './rules'
import { parseMentions } from './service/mentions'

describe('parseTags()', () => {
  it('finds #tags of any script, lower-cased and distinct, in order of first appearance', () => {
    expect(parseTags('New #Ceramics from the #atelier! #ceramics again, #CÉRAMIQUE and #خزف_فاس, #tag_2.')).toEqual(['ceramics', 'atelier', 'céramique', 'خزف_فاس', 'tag_2'])
  })

  it('takes a tag only at the start of a word, and a run longer than 50 characters as no tag', () => {
    expect(parseTags('mail#me https://souk.example/#anchor ##double #ok')).toEqual(['ok'])
    expect(parseTags(`#${'a'.repeat(50)} #${'b'.repeat(51)}`)).toEqual(['a'.repeat(50)])
    expect(parseTags('# alone, #, #-dash')).toEqual([])
  })

  it('keeps at most 10', () => {
    expect(parseTags(Array.from({ length: 12 }, (_, i) => `#t${i}`).join(' '))).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`))
  })

  it('treats composed and decomposed accents as one tag', () => {
    expect(parseTags('#cafe\u0301 #caf\u00e9')).toEqual(['café'])
    expect(normalizeTag('CAFE\u0301')).toBe('café')
  })
})

describe('isTagName()', () => {
  it('accepts what a post could carry', () => {
    expect(isTagName('café')).toBe(true)
    expect(isTagName('a'.repeat(50))).toBe(true)
    expect(isTagName('a'.repeat(51))).toBe(false)
    expect(isTagName('two words')).toBe(false)
    expect(isTagName('')).toBe(false)
  })
})

describe('parseMentions()', () => {
  it('finds @handles, lower-cased and distinct, in order of first appearance', () => {
    expect(parseMentions('hi @bob and @Ana_B! (@bob again, @BOB) @x_1.')).toEqual(['bob', 'ana_b', 'x_1'])
  })

  it('takes a mention only at the start of a word, never inside an email or a link', () => {
    expect(parseMentions('write to ana@souk.test or see https://souk.example/@bob, mail@@me')).toEqual([])
    expect(parseMentions('first.last@example.com a+b@x.io me-@x.io')).toEqual([])
    expect(parseMentions('line\n@ana, "@bob" — @carla')).toEqual(['ana', 'bob', 'carla'])
  })

  it('takes the whole run after the @: too short, too long, another script or a remote address is no mention', () => {
    expect(parseMentions(`@ab @${'a'.repeat(30)} @${'b'.repeat(31)}`)).toEqual(['a'.repeat(30)])
    expect(parseMentions('@josé @ana@example.social @@bob @ alone')).toEqual([])
  })

  it(`keeps at most ${MENTIONS_PER_TEXT}`, () => {
    const handles = Array.from({ length: MENTIONS_PER_TEXT + 5 }, (_, i) => `user_${i}`)
    expect(parseMentions(handles.map((h) => `@${h}`).join(' '))).toEqual(handles.slice(0, MENTIONS_PER_TEXT))
  })
})

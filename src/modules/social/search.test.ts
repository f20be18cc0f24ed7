import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { ManualClock } from '../../lib/clock'
import { client, createTestApp, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { parseSearch } from './service/search'
import { followUser, writePost } from './testing'

// Every test writes a word or tag of its own into its posts, so searches see its posts alone.
const clock = new ManualClock(new Date('2025-09-01T08:00:00Z'))
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ clock })
}, 60_000)
afterAll(() => t.close())

const as = (user: TestUser | null) => client(t, user ?? {})
const unique = () => `w${randomBytes(5).toString('hex')}`
const search = async (user: TestUser | null, q: string, query: { limit?: number; cursor?: string } = {}) => {
  const res = await as(user).api.v1.search.posts.get({ query: { q, ...query } })
  expect(res.status).toBe(200)
  return res.data!
}
const found = async (user: TestUser | null, q: string) => (await search(user, q, { limit: 50 })).items.map((p) => p.body)

describe('parseSearch()', () => {
  it('reads #tags and words, lower-cased, without punctuation', () => {
    expect(parseSearch('  Café-CRÈME, #Rugs   #Ağır! l’été #')).toEqual({ words: ['café', 'crème', 'ağır', 'l', 'été'], tags: ['rugs'] })
    expect(parseSearch('!!! ...')).toEqual({ words: [], tags: [] })
  })
})

describe('searching posts', () => {
  it('matches words in any case, without their accents, and as the start of a word, in any language', async () => {
    const author = await signUpAndSignIn(t)
    const mark = unique()
    const posts = [`Un café crème à Paris ${mark}`, `Hand-knotted RUGS from Fès ${mark}`, `Ağır ışık ${mark}`, `東京 タワー ${mark}`]
    for (const body of posts) await writePost(t, author, body)
    expect(await found(null, `cafe ${mark}`)).toEqual([posts[0]!])
    expect(await found(null, `CAFÉ CREME ${mark}`)).toEqual([posts[0]!])
    expect(await found(null, `paris caf ${mark}`)).toEqual([posts[0]!])
    expect(await found(null, `rug fes ${mark}`)).toEqual([posts[1]!])
    expect(await found(null, `knotted ${mark}`)).toEqual([posts[1]!])
    expect(await found(null, `isik agir ${mark}`)).toEqual([posts[2]!])
    expect(await found(null, `東京 ${mark}`)).toEqual([posts[3]!])
    // Every word must match; no stemming beyond the prefix ("cafés" is not "café").
    expect(await found(null, `cafe rugs ${mark}`)).toEqual([])
    expect(await found(null, `cafés ${mark}`)).toEqual([])
  })

  it('ranks the better match first, then the newest, in cursor pages', async () => {
    const author = await signUpAndSignIn(t)
    const mark = unique()
    const once = await writePost(t, author, `${mark} and pots`)
    clock.advance(1_000)
    const newer = await writePost(t, author, `${mark} and bowls`)
    clock.advance(1_000)
    const twice = await writePost(t, author, `${mark}, ${mark} and more ${mark}`)
    clock.advance(1_000)
    const first = await search(null, mark, { limit: 2 })
    const second = await search(null, mark, { limit: 2, cursor: first.nextCursor! })
    expect([...first.items, ...second.items].map((p) => p.id)).toEqual([twice.id, newer.id, once.id])
    expect(second.nextCursor).toBeNull()
  })

  it('keeps only the posts carrying a #tag', async () => {
    const author = await signUpAndSignIn(t)
    const tag = unique()
    const other = unique()
    const tagged = await writePost(t, author, `Blue glaze #${tag}`)
    const both = await writePost(t, author, `Blue wool #${tag} #${other}`)
    await writePost(t, author, `Blue glaze, the tag only in words: ${tag}`)
    expect((await search(null, `#${tag}`)).items.map((p) => p.id)).toEqual([both.id, tagged.id])
    expect((await search(null, `glaze #${tag.toUpperCase()}`)).items.map((p) => p.id)).toEqual([tagged.id])
    expect((await search(null, `#${tag} #${other}`)).items.map((p) => p.id)).toEqual([both.id])
  })

  it('finds only what each caller may see: stranger, follower, author, either side of a block, signed out', async () => {
    const [author, follower, stranger, blocked, blocker, gone] = await Promise.all(Array.from({ length: 6 }, () => signUpAndSignIn(t)))
    for (const fan of [follower!, blocked!, blocker!]) await followUser(t, fan, author!)
    const mark = unique()
    await writePost(t, author!, `Public ${mark}`)
    await writePost(t, author!, `Followers ${mark}`, 'followers')
    await writePost(t, author!, `Private ${mark}`, 'private')
    const removed = await writePost(t, author!, `Removed ${mark}`)
    expect((await as(author!).api.v1.posts({ id: removed.id }).delete()).status).toBe(204)
    await writePost(t, gone!, `Gone ${mark}`)
    expect((await as(gone!).api.v1.me.delete({ password: gone!.password })).status).toBe(204)
    expect((await as(author!).api.v1.blocks({ userId: blocked!.id }).post()).status).toBe(200)
    expect((await as(blocker!).api.v1.blocks({ userId: author!.id }).post()).status).toBe(200)

    const seen = async (user: TestUser | null) => (await found(user, mark)).sort()
    expect(await seen(author!)).toEqual([`Followers ${mark}`, `Private ${mark}`, `Public ${mark}`])
    expect(await seen(follower!)).toEqual([`Followers ${mark}`, `Public ${mark}`])
    expect(await seen(stranger!)).toEqual([`Public ${mark}`])
    expect(await seen(null)).toEqual([`Public ${mark}`])
    expect(await seen(blocked!)).toEqual([])
    expect(await seen(blocker!)).toEqual([])
  })

  it('refuses an empty, blank, wordless or too long query and a forged cursor, naming the field', async () => {
    for (const q of ['', '   ', '!!! ...', 'x'.repeat(201)]) {
      const res = await as(null).api.v1.search.posts.get({ query: { q } })
      expect(res.status).toBe(400)
      expect(res.error!.value).toMatchObject({ error: { type: 'invalid_data' } })
    }
    const blank = await as(null).api.v1.search.posts.get({ query: { q: '   ' } })
    expect(blank.error!.value).toMatchObject({ error: { details: [{ field: 'query.q' }] } })
    expect((await as(null).api.v1.search.posts.get({ query: { q: 'pots', cursor: 'forged' } })).status).toBe(400)
  })

  it('is rate limited per user', async () => {
    const user = await signUpAndSignIn(t)
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await as(user).api.v1.search.posts.get({ query: { q: 'pots' } })).status)
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true)
    expect(statuses[60]).toBe(429)
  })
})

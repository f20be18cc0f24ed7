import { describe, expect, it } from 'bun:test'
import type { Locator } from 'playwright-core'
import { phonePhoto } from '../../src/lib/image-fixtures'
import { followUser } from '../../src/modules/social/testing'
import { signUpAndSignIn } from '../../src/testing'
import { pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// Post photos: Youssef picks four files in the composer, removes one before posting, and posts; the
// batch lands two photos and refuses a file that is no image with its reason. His card shows the
// two, which open full size. A followers-only post's photo reaches his follower Amina's feed
// through the access token (it is not served to just anyone).

const T = 120_000

const suite = useSouk()

/** Waits until every image in `scope` has loaded real pixels. */
async function loaded(scope: Locator, count: number): Promise<void> {
  const images = scope.locator('img')
  await images.nth(count - 1).waitFor(WAIT)
  expect(await images.count()).toBe(count)
  for (let i = 0; i < count; i++) {
    await images.nth(i).evaluate((img: HTMLImageElement) => (img.complete ? Promise.resolve() : new Promise((done) => img.addEventListener('load', done, { once: true }))))
    expect(await images.nth(i).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  }
}

describe('social photos', () => {
  it('composes a post with two photos, refuses a bad file with its reason, and shows the photos on the card and to a follower', async () => {
    const t = suite.souk.testApp
    const youssef = await signUpAndSignIn(t, { displayName: 'Youssef' })
    const amina = await signUpAndSignIn(t, { displayName: 'Amina' })
    await followUser(t, amina, youssef)
    const [kiln, glaze, extra] = await Promise.all([
      phonePhoto({ width: 1200, height: 900 }),
      phonePhoto({ format: 'png', width: 600, height: 800, colour: { r: 30, g: 110, b: 190 } }),
      phonePhoto({ colour: { r: 20, g: 160, b: 60 } }),
    ])

    const writer = await pageAs(suite, youssef, '/feed')
    const composer = writer.page.getByRole('form', { name: 'Write a post' })
    await composer.getByLabel('What’s new?').fill('Fresh from the #kiln')
    await composer.getByLabel('Photos', { exact: true }).setInputFiles([
      { name: 'kiln.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(kiln) },
      { name: 'glaze.png', mimeType: 'image/png', buffer: Buffer.from(glaze) },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are notes, not a photo') },
      { name: 'extra.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(extra) },
    ])
    const chosen = composer.getByRole('list', { name: 'Photos to post' })
    // Previews of what was picked (the browser cannot draw notes.jpg; the server says why on posting).
    await chosen.getByRole('listitem').nth(3).waitFor(WAIT)
    expect(await chosen.getByRole('listitem').count()).toBe(4)
    await composer.getByRole('button', { name: 'Remove extra.jpg' }).click()
    await chosen.getByRole('img', { name: 'extra.jpg' }).waitFor({ ...WAIT, state: 'detached' })
    expect(await chosen.getByRole('listitem').count()).toBe(3)
    await composer.getByRole('button', { name: 'Post' }).click()

    await toast(writer.page, 'Your post is published, without some photos.')
    await composer.getByRole('list', { name: 'Photos not added' }).getByText('notes.jpg: This file is not an image Souk accepts').waitFor(WAIT)
    const card = writer.page.getByRole('list', { name: 'Your feed' }).getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: 'Fresh from the #kiln' })
    const grid = card.getByRole('list', { name: 'Photos' })
    await loaded(grid, 2)
    expect(await composer.getByRole('list', { name: 'Photos to post' }).count()).toBe(0)
    await card.getByRole('button', { name: 'Open photo 1 of 2' }).click()
    const dialog = writer.page.getByRole('dialog', { name: 'Photo 1 of 2' })
    await loaded(dialog, 1)
    expect(await dialog.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200)
    await dialog.getByRole('button', { name: 'Close' }).click()

    // A followers-only post with one photo.
    await composer.getByLabel('What’s new?').fill('Only for those who follow the workshop')
    await composer.getByLabel('Who can see it').selectOption({ label: 'Followers' })
    await composer.getByLabel('Photos', { exact: true }).setInputFiles([{ name: 'secret.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(extra) }])
    await composer.getByRole('button', { name: 'Post' }).click()
    await toast(writer.page, 'Your post is published.')
    const followersCard = writer.page.getByRole('article', { name: 'Post by Youssef' }).filter({ hasText: 'Only for those who follow the workshop' })
    await loaded(followersCard.getByRole('list', { name: 'Photos' }), 1)
    await screenshots(writer.page, 'feed-photos-author')
    expect(writer.problems).toEqual([])
    await writer.close()

    // Amina, following him, sees both posts' photos; the followers-only one comes with her token.
    const reader = await pageAs(suite, amina, '/feed')
    const feed = reader.page.getByRole('list', { name: 'Your feed' })
    await loaded(feed.getByRole('article').filter({ hasText: 'Fresh from the #kiln' }).getByRole('list', { name: 'Photos' }), 2)
    const hidden = feed.getByRole('article').filter({ hasText: 'Only for those who follow the workshop' }).getByRole('list', { name: 'Photos' })
    await loaded(hidden, 1)
    expect(await hidden.locator('img').getAttribute('src')).toMatch(/^blob:/)
    await screenshots(reader.page, 'feed-photos-reader')
    expect(reader.problems).toEqual([])
    await reader.close()
  }, T)
})

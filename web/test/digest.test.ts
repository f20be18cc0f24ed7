import { describe, expect, it } from 'bun:test'
import { ManualClock } from '../../src/lib/clock'
import { sendDigests } from '../../src/modules/notifications'
import { client, signUpAndSignIn } from '../../src/testing'
import { openPage, pageAs, screenshots, toast, useSouk, WAIT } from './browser'

// The email digest: Amina asks for a daily one in her notification preferences; Youssef follows
// her; the next day the hourly job (run here as its cron would) mails her. Signed out, she follows
// the mail's "Stop these emails" link from the development mailbox: the page asks first (opening
// it changes nothing), then turns the digest off; signed in again, her preferences say Off.

const T = 120_000
const DAY = 24 * 60 * 60_000

// The app's time moves when the test says so: "the next day" without waiting a day.
const clock = new ManualClock()
const suite = useSouk({ clock })

describe('the email digest', () => {
  it('is chosen in the preferences, mailed the next day, and stopped from its link signed out', async () => {
    const t = suite.souk.testApp
    const amina = await signUpAndSignIn(t, { displayName: 'Amina' })
    const youssef = await signUpAndSignIn(t, { displayName: 'Youssef' })

    // Daily, in her preferences (weekly until she chooses).
    const prefs = await pageAs(suite, amina, '/notifications')
    const digest = prefs.page.getByLabel('Email digest')
    await digest.waitFor(WAIT)
    // One row per type some module sends (notifications/types.test.ts): nothing offered that never comes.
    const rows = prefs.page.getByRole('table', { name: 'Where each kind of notification reaches you' }).getByRole('rowheader')
    expect(await rows.allTextContents()).toEqual(['Messages', 'Orders', 'Payments and wallet', 'Reviews', 'New followers', 'Follow requests', 'Likes', 'Comments', 'Mentions', 'Security and account'])
    expect(await digest.inputValue()).toBe('weekly')
    await digest.selectOption({ label: 'Daily' })
    await toast(prefs.page, 'Preferences saved.')
    expect(await digest.inputValue()).toBe('daily')
    expect(prefs.problems).toEqual([])
    await prefs.close()

    // Something to tell her, left unread; the next day the job runs.
    expect((await client(t, youssef).api.v1.users({ id: amina.id }).follow.post()).status).toBe(200)
    clock.advance(DAY)
    expect(await sendDigests(t.services.digests)).toBe(1)

    // Signed out: the development mailbox, then the mail's link.
    const visitor = await openPage(suite.browser)
    await visitor.page.goto(`${suite.souk.url}/dev/mail?to=${encodeURIComponent(amina.email)}`)
    const mail = visitor.page.getByRole('listitem').filter({ hasText: 'Souk: 1 unread notification from yesterday' })
    await mail.getByText('Youssef followed you').waitFor(WAIT)
    const link = mail.getByRole('link', { name: /\/notifications\/unsubscribe\?token=/ })
    const href = (await link.getAttribute('href'))!

    // The server renders the question; opening the page (as a mail scanner would) changes nothing.
    const rendered = await (await fetch(href)).text()
    expect(rendered).toContain('Turn off the digest')
    await link.click()
    await visitor.page.waitForURL(/\/notifications\/unsubscribe\?token=/, WAIT)
    await visitor.page.getByText('You get a daily email with your unread notifications. Turn it off?').waitFor(WAIT)
    await visitor.page.getByRole('button', { name: 'Turn off the digest' }).click()
    await visitor.page.getByText('Done: you will get no more digest emails.').waitFor(WAIT)
    await screenshots(visitor.page, 'digest-unsubscribed')
    expect(visitor.problems).toEqual([])
    expect(await visitor.page.getByRole('link', { name: 'You can turn it on again in your notification preferences' }).getAttribute('href')).toBe('/notifications')
    await visitor.close()

    // Signed in again: Off.
    const again = await pageAs(suite, amina, '/notifications')
    const after = again.page.getByLabel('Email digest')
    await after.waitFor(WAIT)
    expect(await after.inputValue()).toBe('off')
    await screenshots(again.page, 'digest-preferences')
    expect(again.problems).toEqual([])
    await again.close()
  }, T)
})

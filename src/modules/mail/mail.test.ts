import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { networkInterfaces } from 'node:os'
import { ManualClock } from '../../lib/clock'
import { createLogger } from '../../lib/log'
import { defineJob } from '../../jobs/queue'
import { createTestApp, listen, type TestApp, waitFor } from '../../testing'
import { createMailer, type MailMessage } from './service'

const clock = new ManualClock()
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ clock })
})
afterAll(() => t.close())

const mailer = () => createMailer({ db: t.ctx.database.db, clock, log: t.ctx.log, smtpUrl: null, from: 'Souk <no-reply@souk.test>' })
const mailbox = async (to: string) => (await t.request(`/api/v1/dev/mail?to=${encodeURIComponent(to)}`)).json()

describe('the development mailbox', () => {
  it('keeps mail per recipient, newest first, whatever the case of the address', async () => {
    const m = mailer()
    await m.send({ to: 'Reader@Example.test', subject: 'first', text: 'one' })
    clock.advance(1_000)
    await m.send({ to: 'reader@example.test', subject: 'second', text: 'two' })
    await m.send({ to: 'other@example.test', subject: 'not yours', text: 'three' })
    const { items } = await mailbox('READER@example.test')
    expect(items.map((i: { subject: string }) => i.subject)).toEqual(['second', 'first'])
    expect(items[0]).toMatchObject({ to: 'reader@example.test', text: 'two', id: expect.stringMatching(/^mail_/) })
  })

  it('shows dispatched mail once it is stored (reads wait for sends in flight)', async () => {
    const m = mailer()
    m.dispatch({ to: 'later@example.test', subject: 'queued', text: 'soon' })
    await m.settled()
    expect((await mailbox('later@example.test')).items).toHaveLength(1)
  })

  it('400s a missing or malformed address', async () => {
    expect((await t.request('/api/v1/dev/mail')).status).toBe(400)
    expect((await t.request('/api/v1/dev/mail?to=nope')).status).toBe(400)
  })

  it('answers only this machine: a peer on another address gets 404, for the JSON and the page', async () => {
    const { url } = listen(t)
    const port = new URL(url).port
    const at = (host: string, path: string, headers: Record<string, string> = {}) => fetch(`http://${host}:${port}${path}`, { headers })
    expect((await at('127.0.0.1', '/api/v1/dev/mail?to=reader@example.test')).status).toBe(200)
    // Another interface of this machine: the peer is not loopback, whatever the Host says.
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address
    expect(lan).toBeDefined()
    for (const path of ['/api/v1/dev/mail?to=reader@example.test', '/dev/mail?to=reader@example.test', '/dev/mail/', '/dev/%6Dail']) {
      const refused = await at(lan!, path, { host: 'localhost' })
      expect(refused.status).toBe(404)
      expect(await refused.text()).not.toContain('reader@example.test')
    }
    // The peer decides, never a header (this app trusts X-Forwarded-For, as the browser tests use it).
    expect((await at(lan!, '/api/v1/dev/mail?to=reader@example.test', { 'x-forwarded-for': '127.0.0.1' })).status).toBe(404)
    expect((await at('127.0.0.1', '/api/v1/dev/mail?to=reader@example.test', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200)
  })

  it('is not mounted in production', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production' } })
    try {
      expect((await production.request('/api/v1/dev/mail?to=a@example.test')).status).toBe(404)
    } finally {
      await production.close()
    }
  })
})

describe('createMailer() with a queue', () => {
  let queued: TestApp
  beforeAll(async () => {
    queued = await createTestApp({ queue: true })
  }, 30_000)
  afterAll(() => queued.close())

  it('sends through the email.send job, and the mailbox shows it once delivered', async () => {
    const { mailer } = queued.services
    await mailer.send({ to: 'queued@example.test', subject: 'via the queue', text: 'hello' })
    // The dev mailbox settles first: it waits for the queued delivery.
    const { items } = await (await queued.request('/api/v1/dev/mail?to=queued@example.test')).json()
    expect(items).toMatchObject([{ subject: 'via the queue', text: 'hello', id: expect.stringMatching(/^mail_[0-9a-f]{32}$/) }])
  }, 30_000)

  it('retries a delivery that fails (the SMTP server is down)', async () => {
    const down = createMailer({ db: queued.ctx.database.db, clock, log: createLogger('silent'), smtpUrl: 'smtp://127.0.0.1:1', from: 'Souk <no-reply@souk.test>', queue: queued.ctx.queue })
    const job = defineJob('test.mail-down', (message: MailMessage, attempt) => down.job.run(message, attempt), down.job.options)
    await queued.ctx.queue!.register(job)
    const id = await queued.ctx.queue!.enqueue(job, { to: 'nobody@example.test', subject: 'lost', text: 'x' })
    await waitFor(async () => (await queued.ctx.queue!.state(job.name, id!)) === 'retry', 20_000, 'the first try to fail')
    expect(down.job.options.retryLimit).toBeGreaterThan(0)
  }, 30_000)
})

describe('createMailer() with SMTP_URL', () => {
  /** Just enough SMTP for one plain-text delivery; records what it receives. */
  function fakeSmtpServer() {
    const received: string[] = []
    const server = Bun.listen<{ data: boolean; buffer: string }>({
      hostname: '127.0.0.1',
      port: 0,
      socket: {
        open: (socket) => {
          socket.data = { data: false, buffer: '' }
          socket.write('220 fake ESMTP\r\n')
        },
        data: (socket, chunk) => {
          socket.data.buffer += chunk.toString()
          let end: number
          while ((end = socket.data.buffer.indexOf('\r\n')) !== -1) {
            if (socket.data.data) {
              const done = socket.data.buffer.indexOf('\r\n.\r\n')
              if (done === -1) return
              received.push(socket.data.buffer.slice(0, done))
              socket.data.buffer = socket.data.buffer.slice(done + 5)
              socket.data.data = false
              socket.write('250 queued\r\n')
              continue
            }
            const line = socket.data.buffer.slice(0, end)
            socket.data.buffer = socket.data.buffer.slice(end + 2)
            const verb = line.slice(0, 4).toUpperCase()
            if (verb === 'EHLO') socket.write('250-fake\r\n250 8BITMIME\r\n')
            else if (verb === 'DATA') {
              socket.data.data = true
              socket.write('354 go on\r\n')
            } else if (verb === 'QUIT') {
              socket.write('221 bye\r\n')
              socket.end()
            } else socket.write('250 ok\r\n')
          }
        },
      },
    })
    return { server, received }
  }

  it('delivers through the SMTP server and stores nothing', async () => {
    const { server, received } = fakeSmtpServer()
    try {
      const smtp = createMailer({
        db: t.ctx.database.db,
        clock,
        log: createLogger('silent'),
        smtpUrl: `smtp://127.0.0.1:${server.port}`,
        from: 'Souk <no-reply@souk.test>',
      })
      expect(smtp.kind).toBe('smtp')
      await smtp.send({ to: 'smtp-reader@example.test', subject: 'Over the wire', text: 'Hello by SMTP' })
      expect(received).toHaveLength(1)
      expect(received[0]).toContain('Subject: Over the wire')
      expect(received[0]).toContain('To: smtp-reader@example.test')
      expect(received[0]).toContain('Hello by SMTP')
      expect((await mailbox('smtp-reader@example.test')).items).toHaveLength(0)
    } finally {
      server.stop(true)
    }
  })
})

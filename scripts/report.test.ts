import { describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildReport, callSites, discriminantMentions, REPORT_PATH } from './report'

function fixture(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'souk-report-')), 'page.tsx')
  writeFileSync(file, source)
  return file
}

describe('callSites()', () => {
  it('reads typed-client chains through aliases and URL literals as route shapes', () => {
    const file = fixture(`
      const jobs = () => api().api.v1.jobs
      export const getJob = (id: string) => jobs()({ id }).download.get()
      export async function load(slug: string) { return api().api.v1.products({ slug }).images.post({ file }) }
      const csv = api().api.v1.me.products['export.csv'].get()
      const ready = api().readyz.get()
      const img = <img src={\`/api/v1/messages/\${id}/image.webp?v=2\`} />
      const other = something.get('key')
    `)
    expect(callSites([file]).map((site) => `${site.method} ${site.shape} ${site.where.split(' ')[1]}`)).toEqual([
      'GET /api/v1/jobs/:/download getJob',
      'POST /api/v1/products/:/images load',
      'GET /api/v1/me/products/export.csv csv',
      'GET /readyz ready',
      'GET /api/v1/messages/:/image.webp img',
    ])
  })
})

describe('discriminantMentions()', () => {
  it('finds producers in object literals and consumers in comparisons, switches and handler tables', () => {
    const file = fixture(`
      send({ type: 'subscribe', topic })
      publish({ kind: 'message' as const, data })
      if (event.kind === 'message.deleted') drop()
      switch (frame.type) { case 'pong': break }
      const ROUTES = { 'chat.send': { handle }, ping: { handle } }
    `)
    const types = discriminantMentions([file], 'type', { keys: true })
    expect(types.produced.map((m) => m.value)).toEqual(['subscribe'])
    expect(types.consumed.map((m) => m.value)).toEqual(['pong', 'chat.send', 'ping'])
    const kinds = discriminantMentions([file], 'kind')
    expect(kinds.produced.map((m) => m.value)).toEqual(['message'])
    expect(kinds.consumed.map((m) => m.value)).toEqual(['message.deleted'])
  })
})

describe('docs/integration.md', () => {
  it('is what `bun run report` generates from the code now, and lists no problem', async () => {
    const { markdown, problems } = await buildReport()
    expect(problems).toEqual([])
    expect(readFileSync(REPORT_PATH, 'utf8')).toBe(markdown)
  })
})

import { afterAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { boundaryViolations } from './boundaries'

const fixtures: string[] = []
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true })
})

/** A throwaway tree of `src/` files (path → source), to run the check on. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'souk-boundaries-'))
  fixtures.push(dir)
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), source)
  }
  return dir
}

describe('module boundaries', () => {
  it('hold in Souk: no violation, no exception list', async () => {
    expect(await boundaryViolations()).toEqual([])
  })

  it('catch each kind of violation', async () => {
    const dir = tree({
      'src/modules/a/index.ts': "export { b } from '../b'\nexport const a = 1\n",
      'src/modules/a/service.ts': "import { internal } from '../b/service'\nexport const x = internal\n",
      'src/modules/a/events.ts': 'export const A_EVENTS = []\n',
      'src/modules/b/index.ts': "import { a } from '../a'\nimport { A_EVENTS } from '../a/events'\nexport const b = a + A_EVENTS.length\n",
      'src/modules/b/service.ts': "import { page } from '../../web/page'\nexport const internal = page\n",
      'src/web/page.ts': 'export const page = 1\n',
      'src/lib/util.ts': "import { a } from '../modules/a'\nexport const u = a\n",
      'src/app.ts': "import { internal } from './modules/b/service'\nexport const app = internal\n",
    })
    expect(await boundaryViolations(dir)).toEqual([
      'infrastructure-imports-no-module: src/lib/util.ts → src/modules/a/index.ts',
      'modules-import-no-transport: src/modules/b/service.ts → src/web/page.ts',
      'no-deep-module-import: src/modules/a/service.ts → src/modules/b/service.ts',
      'no-module-cycles: src/modules/a → src/modules/b',
      'no-module-cycles: src/modules/b → src/modules/a',
      'no-module-internals-from-outside: src/app.ts → src/modules/b/service.ts',
    ])
  })
})

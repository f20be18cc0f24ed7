import { afterAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { markWebBuilt, webBuildIsCurrent } from './web-build.mjs'

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

/** A repo with a client, shared code and a configuration, all written a minute ago, and web/dist stamped now. */
const builtRepo = () => {
  const root = mkdtempSync(join(tmpdir(), 'souk-web-build-'))
  roots.push(root)
  for (const rel of ['web/src/app.tsx', 'src/modules/chat/item.ts', 'vite.config.ts']) touch(root, rel, -60)
  mkdirSync(join(root, 'web/dist'), { recursive: true })
  expect(webBuildIsCurrent(root)).toBe(false)
  markWebBuilt(root)
  expect(webBuildIsCurrent(root)).toBe(true)
  return root
}

/** Writes `rel` under `root`, last modified `secondsFromNow` from now. */
const touch = (root: string, rel: string, secondsFromNow: number) => {
  const path = join(root, rel)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, rel)
  const at = Date.now() / 1000 + secondsFromNow
  utimesSync(path, at, at)
}

describe('webBuildIsCurrent()', () => {
  it('stays current while only generated or installed files change', () => {
    const root = builtRepo()
    for (const generated of ['web/dist/client/index.html', 'node_modules/x/index.js', 'web/node_modules/y.js', 'data/pg/base', 'test-artifacts/shot.png', 'bench/results/today.jsonl', 'souk-3000.log']) {
      touch(root, generated, 60)
    }
    expect(webBuildIsCurrent(root)).toBe(true)
  })

  it('is stale once shared code the client bundles changes (one contract)', () => {
    const root = builtRepo()
    touch(root, 'src/modules/chat/item.ts', 60)
    expect(webBuildIsCurrent(root)).toBe(false)
  })

  it('is stale once the configuration at the root changes', () => {
    const root = builtRepo()
    touch(root, 'vite.config.ts', 60)
    expect(webBuildIsCurrent(root)).toBe(false)
  })
})

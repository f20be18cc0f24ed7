// Whether the built web client (web/dist) is current: run.mjs stamps it after building, and `npm
// start` or `npm test` builds again only when a file the build may read (under web/ and src/, or
// at the root) is newer than the stamp. A restart, or the boot after the test
// suite, then starts in seconds instead of after a build.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** What the build reads: the client, the code it shares with the server (one contract), and the root's configuration. */
const SOURCE_DIRS = ['web', 'src']
/** Generated or installed, relative to the repo's root: never a source of the build. */
const NOT_SOURCES = new Set(['web/dist'])

const stampOf = (root) => join(root, 'web', 'dist', '.built')

const mtimeOf = (path) => statSync(path).mtimeMs

/** The newest modification time (ms) of the sources under `rel`. */
function newestSource(root, rel) {
  let newest = 0
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = `${rel}/${entry.name}`
    if (NOT_SOURCES.has(path) || entry.name === 'node_modules') continue
    const time = entry.isDirectory() ? newestSource(root, path) : mtimeOf(join(root, path))
    if (time > newest) newest = time
  }
  return newest
}

/** The newest of the sources: the source folders, and the files at the root (package.json, the lockfile, vite's and TypeScript's configuration) but logs. */
function newestOfAll(root) {
  const rootFiles = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isFile() && !entry.name.endsWith('.log'))
  return Math.max(0, ...rootFiles.map((entry) => mtimeOf(join(root, entry.name))), ...SOURCE_DIRS.filter((dir) => existsSync(join(root, dir))).map((dir) => newestSource(root, dir)))
}

/** Whether web/dist was built (by run.mjs) after every source last changed. */
export function webBuildIsCurrent(root) {
  const stamp = stampOf(root)
  return existsSync(stamp) && mtimeOf(stamp) >= newestOfAll(root)
}

/** Marks web/dist as built from the sources as they are now (after a successful build). */
export function markWebBuilt(root) {
  writeFileSync(stampOf(root), `${new Date().toISOString()}\n`)
}

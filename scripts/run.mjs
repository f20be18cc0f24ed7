#!/usr/bin/env node
// The README's commands land here (`npm start`, `npm test`, `npm run bench`), run by plain Node so that a
// machine with only Node and npm works: it installs Bun through npm when missing, installs the
// locked dependencies, then hands over to Bun.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { missingPrerequisite } from './prerequisites.mjs'
import { markWebBuilt, webBuildIsCurrent } from './web-build.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BUN_VERSION = '1.4.5'
const command = process.argv[2]
const rest = process.argv.slice(3)

function bunWorks(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' })
  if (r.status !== 0) return false
  const [major, minor] = r.stdout.trim().split('.').map(Number)
  return major > 1 || (major === 1 && minor >= 4)
}

function findBun() {
  const local = join(root, '.tools', 'node_modules', '.bin', 'bun')
  if (process.env.BUN_BIN && bunWorks(process.env.BUN_BIN)) return process.env.BUN_BIN
  if (bunWorks('bun')) return 'bun'
  if (existsSync(local) && bunWorks(local)) return local
  console.log(`Installing Bun ${BUN_VERSION} through npm into .tools/ ...`)
  const r = spawnSync('npm', ['install', '--prefix', join(root, '.tools'), '--no-audit', '--no-fund', `bun@${BUN_VERSION}`], {
    stdio: 'inherit',
  })
  if (r.status !== 0 || !bunWorks(local)) {
    console.error('Could not install Bun through npm.')
    process.exit(1)
  }
  return local
}

function run(bin, args, options = {}) {
  const r = spawnSync(bin, args, { stdio: 'inherit', cwd: root, ...options })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

// The suite's system needs are checked (and Chromium installed where possible) before anything else,
// so a machine that lacks one stops here with one line instead of failing test by test.
if (command === 'test') {
  const problem = await missingPrerequisite()
  if (problem !== null) {
    console.error(problem)
    process.exit(1)
  }
}

const bun = findBun()
// Children (tests spawn Souk processes) find the same Bun first on PATH.
if (bun !== 'bun') process.env.PATH = `${dirname(bun)}:${process.env.PATH}`
// In production (the container) the image already holds the production dependencies and the
// built client; everywhere else both commands install and build so they run current code.
const production = process.env.NODE_ENV === 'production'
if (production) {
  run(bun, ['install', '--frozen-lockfile', '--production'])
} else {
  run(bun, ['install', '--frozen-lockfile'])
  // The server renders pages from the built client (web/dist), built again when a source changed.
  if (['start', 'test', 'bench', 'cluster'].includes(command)) {
    if (webBuildIsCurrent(root)) console.log('The web client in web/dist is current: not building it again.')
    else {
      run(bun, ['run', 'build:web'])
      markWebBuilt(root)
    }
  }
}

if (command === 'start') {
  const child = spawn(bun, ['run', 'src/main.ts', '--demo', ...rest], { stdio: 'inherit', cwd: root })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
} else if (command === 'test') {
  // Bun prints its own totals; the plain "N passed, N failed" line is for CI readers.
  // Bun's 5 s default per test and hook is too short for tests that boot Souk or Chromium on a
  // loaded 2-core machine; bunfig's [test] timeout is not applied to hooks, the flag is.
  const child = spawn(bun, ['test', '--timeout', '60000', ...rest], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] })
  let tail = ''
  const keep = (chunk, out) => {
    out.write(chunk)
    tail = (tail + chunk.toString()).slice(-4000)
  }
  child.stdout.on('data', (c) => keep(c, process.stdout))
  child.stderr.on('data', (c) => keep(c, process.stderr))
  child.on('exit', (code) => {
    const passed = Number(/^\s*(\d+) pass$/m.exec(tail)?.[1] ?? 0)
    const failed = Number(/^\s*(\d+) fail$/m.exec(tail)?.[1] ?? 0)
    console.log(`\ntests: ${passed} passed, ${failed} failed`)
    process.exit(code ?? 1)
  })
} else if (command === 'typecheck') {
  run(bun, ['run', 'typecheck'])
} else if (command === 'bench') {
  run(bun, ['scripts/bench/index.ts', ...rest])
} else if (command === 'cluster') {
  run(bun, ['scripts/cluster.ts', ...rest])
} else {
  console.error('usage: node scripts/run.mjs start|test|typecheck|bench|cluster [args]')
  process.exit(2)
}

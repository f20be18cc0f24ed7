#!/usr/bin/env node
// What `npm test` needs besides Bun and the npm packages, checked before anything is installed or
// run: Debian's Chromium for the browser tests, and the Postgres and Redis that DATABASE_URL and
// REDIS_URL point at. Chromium is installed through apt-get when it is missing and this process
// may (root, apt-get present, SOUK_INSTALL_PACKAGES not 0); otherwise the check fails with one line
// saying what to install, so a newcomer never watches browser tests fail one by one.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'

/** Debian's packages for the browser tests: the browser and a font for its screenshots. */
const BROWSER_PACKAGES = ['chromium', 'fonts-dejavu-core']

function canInstallPackages(env) {
  return env.SOUK_INSTALL_PACKAGES !== '0' && process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0
}

function installBrowser() {
  console.log(`Installing ${BROWSER_PACKAGES.join(' and ')} with apt-get (needed by the browser tests) ...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...BROWSER_PACKAGES]]) {
    if (spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status !== 0) return false
  }
  return true
}

/** Resolves when something accepts a TCP connection at host:port within 2 s. */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(2000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function serviceProblem(env, variable, service, defaultPort) {
  const value = env[variable]
  if (value === undefined || value === '') return null
  let url
  try {
    url = new URL(value)
  } catch {
    return `${variable} is not a URL: unset it or set it to a ${service} URL.`
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = Number(url.port || defaultPort)
  if (await answers(host, port)) return null
  return `${variable} points at ${host}:${port} but nothing answers there: start ${service}, or unset ${variable} to test without it.`
}

/** Where Debian's chromium package puts the browser (web/test/browser.ts looks there too). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/** The first thing `npm test` lacks, as one line to print, or null when all is there. */
export async function missingPrerequisite(env = process.env, debianChromium = DEBIAN_CHROMIUM) {
  const chromium = env.CHROMIUM_PATH || debianChromium
  if (!existsSync(chromium)) {
    // A path the user chose is theirs to fix; the default one is Debian's package.
    if (env.CHROMIUM_PATH) return `CHROMIUM_PATH is ${chromium}, which does not exist: point it at a Chromium binary, or unset it to use Debian's chromium package.`
    if (!canInstallPackages(env) || !installBrowser() || !existsSync(chromium)) {
      return `The browser tests need Chromium at ${chromium}: install Debian's packages with \`sudo apt-get install ${BROWSER_PACKAGES.join(' ')}\` (or set CHROMIUM_PATH to a Chromium binary), then run npm test again.`
    }
  }
  return (await serviceProblem(env, 'DATABASE_URL', 'Postgres', 5432)) ?? (await serviceProblem(env, 'REDIS_URL', 'Redis', 6379))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = await missingPrerequisite()
  if (problem !== null) {
    console.error(problem)
    process.exit(1)
  }
}

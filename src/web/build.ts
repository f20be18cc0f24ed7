import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EntryAssets, SsrModule } from './contract'

/** Where `bun run build:web` writes: client assets and the SSR bundle. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))

const ENTRY = 'src/entry-client.tsx'

/** One client build plus its SSR bundle, loaded together so assets and markup always match. */
export interface WebBuild {
  /** Changes whenever either build changes; part of cache keys and the dev reload signal. */
  id: string
  assets: EntryAssets
  ssr: SsrModule
  /** Files from web/public, by URL path (`/favicon.svg`) -> absolute file path. */
  publicFiles: Map<string, string>
  assetsDir: string
  /** The precompressed siblings the build wrote (`…/entry.js.br`, `…/robots.txt.gz`), by absolute path. */
  encodedFiles: Set<string>
}

/** A precompressed sibling of a built file (vite.config.ts writes them): served in its stead, never by its own name. */
const ENCODED_SIBLING = /\.(?:br|gz)$/

export class WebBuildMissing extends Error {
  constructor(readonly dir: string) {
    super(`The web client is not built (no ${dir}). Run \`bun run build:web\` first.`)
    this.name = 'WebBuildMissing'
  }
}

interface ManifestChunk {
  file: string
  css?: string[]
  imports?: string[]
}

function entryAssets(manifest: Record<string, ManifestChunk>): EntryAssets {
  const entry = manifest[ENTRY]
  if (entry === undefined) throw new Error(`the client manifest has no entry for ${ENTRY}`)
  const styles = new Set(entry.css ?? [])
  const preloads = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (chunk === undefined || preloads.has(chunk.file)) return
    preloads.add(chunk.file)
    for (const css of chunk.css ?? []) styles.add(css)
    for (const next of chunk.imports ?? []) visit(next)
  }
  for (const key of entry.imports ?? []) visit(key)
  const url = (file: string) => `/${file}`
  return { script: url(entry.file), styles: [...styles].map(url), preloads: [...preloads].map(url) }
}

/** The client build's files: public ones by URL path (not under assets/ or .vite/), and every precompressed sibling. */
function listFiles(clientDir: string): { publicFiles: Map<string, string>; encodedFiles: Set<string> } {
  const publicFiles = new Map<string, string>()
  const encodedFiles = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      const rel = relative(clientDir, full).split(sep).join('/')
      if (rel === '.vite') continue
      if (entry.isDirectory()) walk(full)
      else if (ENCODED_SIBLING.test(rel)) encodedFiles.add(full)
      else if (!rel.startsWith('assets/')) publicFiles.set(`/${rel}`, full)
    }
  }
  walk(clientDir)
  return { publicFiles, encodedFiles }
}

function stamp(dir: string): string {
  const manifest = join(dir, 'client/.vite/manifest.json')
  const ssr = join(dir, 'server/entry-server.js')
  if (!existsSync(manifest) || !existsSync(ssr)) throw new WebBuildMissing(dir)
  return `${statSync(manifest).mtimeMs.toString(36)}.${statSync(ssr).mtimeMs.toString(36)}`
}

export async function loadWebBuild(dir: string = WEB_DIST): Promise<WebBuild> {
  const id = stamp(dir)
  const clientDir = join(dir, 'client')
  const manifest = JSON.parse(readFileSync(join(clientDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>
  // The query makes a rebuilt bundle a new module instead of the one already in the import cache.
  const module = (await import(`${join(dir, 'server/entry-server.js')}?v=${id}`)) as { default: SsrModule }
  return { id, assets: entryAssets(manifest), ssr: module.default, ...listFiles(clientDir), assetsDir: join(clientDir, 'assets') }
}

/**
 * Hands out the current build. With `watch` (development) it notices a rebuild on the next request
 * and loads it; a half-written rebuild keeps the previous one until the next try.
 */
export function createBuildLoader(options: { dir?: string; watch: boolean }) {
  const dir = options.dir ?? WEB_DIST
  let loaded: Promise<WebBuild> | null = null
  let last: WebBuild | null = null
  return {
    async current(): Promise<WebBuild> {
      if (loaded !== null && last !== null && options.watch) {
        let changed = false
        try {
          changed = stamp(dir) !== last.id
        } catch {
          return last
        }
        if (changed) loaded = loadWebBuild(dir).catch(() => last!)
      }
      loaded ??= loadWebBuild(dir)
      try {
        last = await loaded
      } catch (error) {
        loaded = null
        throw error
      }
      return last
    },
  }
}

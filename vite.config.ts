import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'
import solid from 'vite-plugin-solid'

/**
 * Two builds from one config:
 * - `vite build`        -> web/dist/client: hashed assets under /assets, manifest, public files.
 * - `vite build --ssr`  -> web/dist/server/entry-server.js: one self-contained module the Elysia
 *   process imports, so the server holds exactly one copy of Solid and the router.
 */
const web = (path: string) => fileURLToPath(new URL(`./web/${path}`, import.meta.url))

/**
 * The client's code splitting. Everything the entry reaches by static imports (`$initial`) is one
 * group, which Rolldown writes as the entry file itself: a first visit loads one script
 * (web/test/budget.test.ts). Without it Rolldown (open issue rolldown#10731) moves the code the
 * entry shares with lazy pages (Solid, the API client, buttons, ...) into common chunks the entry
 * preloads, once several lazy pages share different parts of it, although every lazy page is
 * imported from the entry and so loads after it (Rollup keeps such code in the entry). Code that
 * only lazy pages import is not `$initial` and stays in their chunks.
 * `$initial` follows import statements, not what is used: @solidjs/router's createAsync imports
 * solid-js/store for createAsyncStore, which no eager page calls, so the store is left to the lazy
 * pages that use it, and the group does not pull it back in as a dependency.
 */
const ENTRY_GROUP = {
  name: 'initial',
  tags: ['$initial' as const],
  test: (id: string) => !/[\\/]solid-js[\\/]store[\\/]/.test(id),
  includeDependenciesRecursively: false,
}

const TEXT_FILE = /\.(?:js|css|svg|json|html|xml|txt|webmanifest)$/

/**
 * Writes a `.br` (Brotli, quality 11) and a `.gz` (gzip, level 9) sibling of each text file of the
 * client build (assets and public files, not the manifest), where it is smaller, so the server
 * sends the best one a request accepts without compressing anything (src/web/index.ts: builtFile).
 */
function precompress(): Plugin {
  return {
    name: 'souk-precompress',
    apply: 'build',
    writeBundle({ dir }) {
      if (dir === undefined) return
      for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!TEXT_FILE.test(name) || name.startsWith('.vite')) continue
        const path = join(dir, name)
        const text = readFileSync(path)
        const br = brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: text.length } })
        const gz = gzipSync(text, { level: 9 })
        if (br.length < text.length) writeFileSync(`${path}.br`, br)
        if (gz.length < text.length) writeFileSync(`${path}.gz`, gz)
      }
    },
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  root: web(''),
  publicDir: 'public',
  plugins: [solid({ ssr: true }), ...(isSsrBuild ? [] : [precompress()])],
  ssr: { noExternal: true, target: 'node' },
  build: isSsrBuild
    ? {
        outDir: 'dist/server',
        emptyOutDir: true,
        copyPublicDir: false,
        minify: false,
        // codeSplitting: false keeps lazy() pages inside it (a chunk importing the entry back would get a second copy).
        rolldownOptions: { input: web('src/entry-server.tsx'), output: { entryFileNames: 'entry-server.js', codeSplitting: false } },
      }
    : {
        outDir: 'dist/client',
        emptyOutDir: true,
        manifest: true,
        assetsDir: 'assets',
        target: 'es2022',
        rolldownOptions: { input: web('src/entry-client.tsx'), output: { codeSplitting: { groups: [ENTRY_GROUP] } } },
      },
}))

import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
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

export default defineConfig(({ isSsrBuild }) => ({
  root: web(''),
  publicDir: 'public',
  plugins: [solid({ ssr: true })],
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

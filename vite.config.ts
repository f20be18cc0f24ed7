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
        rolldownOptions: { input: web('src/entry-client.tsx') },
      },
}))

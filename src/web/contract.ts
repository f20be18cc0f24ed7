/**
 * The contract between the Elysia process and the SSR bundle (web/dist/server/entry-server.js).
 * Types only: the server imports the bundle at run time, the bundle imports nothing from here.
 */

/** What the client needs to know about the server before it hydrates; serialized into the page. */
export interface BootConfig {
  /** The server has a `/ws` socket endpoint; the client connects only then. */
  realtime: boolean
  /**
   * The page request carried a refresh cookie: the client restores the session on load. Without
   * one it never calls the refresh endpoint, so an anonymous visit causes no 401.
   */
  session: boolean
  /** Google sign-in is configured: the client id its button needs; null hides the button. */
  googleClientId: string | null
  /** The development mailbox (`/dev/mail`) exists; never in production. */
  devMail: boolean
}

/** Tags the client build produced for the entry, from Vite's manifest (paths are absolute URLs). */
export interface EntryAssets {
  script: string
  styles: string[]
  preloads: string[]
}

export interface RenderInput {
  /** The page request; its cookies and request id are forwarded to in-process API calls. */
  request: Request
  /** The page request's id: API calls of the render carry it, and error pages show it. */
  requestId: string
  /**
   * Written as `nonce="…"` on every inline script the render emits, so the server can hash exactly
   * those for the page's CSP (see src/web/csp.ts) and then strip it. Random per render: text from
   * data, escaped into the page, cannot guess it to get a script of its own hashed.
   */
  scriptMark: string
  /** Calls the app in process (no network hop) — what the typed API client uses during SSR. */
  handle(request: Request): Promise<Response>
  publicUrl: string
  assets: EntryAssets
  boot: BootConfig
  /** Source of a module script run after the page, e.g. the dev-mode reload script. */
  extraScript?: string
}

export interface RenderResult {
  status: number
  headers: Headers
  html: string
}

export interface SsrModule {
  render(input: RenderInput): Promise<RenderResult>
}
